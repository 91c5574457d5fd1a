/*
 * test_limiter.c - the rate-limit primitives and xg_limiter, driven by a
 * fake clock: `now` is a number the tests move by hand, nothing sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xgate/limiter.h"

#define MS  1000000LL
#define SEC 1000000000LL

/* --- fixed window ----------------------------------------------------- */

static void
test_fixed_window_admits_exactly_limit(void **state)
{
    (void)state;
    xg_fixed_window w;
    int64_t now = 100 * MS;

    xg_fixed_window_init(&w, 10, SEC, XG_ANCHOR_CLOCK, 0);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, now), now);
        xg_fixed_window_take(&w, 1, now);
        now += MS;
    }
    /* The 11th unit waits for the next window. */
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, now), SEC);
    assert_int_equal(w.used, 10);
    /* A request that charges nothing is never held back. */
    assert_int_equal(xg_fixed_window_earliest(&w, 0, 0, now), now);
}

static void
test_fixed_window_refuses_one_over(void **state)
{
    (void)state;
    xg_fixed_window w;

    xg_fixed_window_init(&w, 10, SEC, XG_ANCHOR_CLOCK, 0);
    xg_fixed_window_take(&w, 7, 0);
    assert_int_equal(xg_fixed_window_earliest(&w, 3, 0, 1), 1);
    assert_int_equal(xg_fixed_window_earliest(&w, 4, 0, 1), SEC);
    /* keep: 7 + 2 <= 10 - 1, but 7 + 3 > 10 - 1. */
    assert_int_equal(xg_fixed_window_earliest(&w, 2, 1, 1), 1);
    assert_int_equal(xg_fixed_window_earliest(&w, 3, 1, 1), SEC);
}

static void
test_fixed_window_cost_above_limit_never_fits(void **state)
{
    (void)state;
    xg_fixed_window w;

    xg_fixed_window_init(&w, 10, SEC, XG_ANCHOR_CLOCK, 0);
    assert_int_equal(xg_fixed_window_earliest(&w, 11, 0, 0), INT64_MAX);
    assert_int_equal(xg_fixed_window_earliest(&w, 9, 2, 0), INT64_MAX);
    assert_int_equal(xg_fixed_window_earliest(&w, 10, 0, 0), 0);
}

static void
test_fixed_window_edge_without_guard(void **state)
{
    (void)state;
    xg_fixed_window w;

    xg_fixed_window_init(&w, 5, SEC, XG_ANCHOR_CLOCK, 0);
    xg_fixed_window_take(&w, 5, SEC - 1);
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, SEC - 1), SEC);
    /* Exactly at the boundary the new window is open. */
    assert_int_equal(xg_fixed_window_earliest(&w, 5, 0, SEC), SEC);
    xg_fixed_window_take(&w, 5, SEC);
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, SEC + 1), 2 * SEC);
}

static void
test_fixed_window_new_window_opens_after_guard(void **state)
{
    (void)state;
    xg_fixed_window w;
    const int64_t guard = 50 * MS;

    xg_fixed_window_init(&w, 5, SEC, XG_ANCHOR_CLOCK, guard);
    xg_fixed_window_take(&w, 5, 500 * MS);
    /* Until start + guard the old window's count still applies. */
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, SEC), SEC + guard);
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, SEC + guard - 1),
                     SEC + guard);
    assert_int_equal(xg_fixed_window_earliest(&w, 5, 0, SEC + guard),
                     SEC + guard);
}

static void
test_fixed_window_guard_zone_takes_count_in_both_windows(void **state)
{
    (void)state;
    xg_fixed_window w;
    const int64_t guard = 50 * MS;

    xg_fixed_window_init(&w, 5, SEC, XG_ANCHOR_CLOCK, guard);
    /* 3 units early in window 0, 2 more just after the boundary: the venue
     * may still be in window 0, so they must fit there... */
    xg_fixed_window_take(&w, 3, 100 * MS);
    assert_int_equal(xg_fixed_window_earliest(&w, 3, 0, SEC + 10 * MS),
                     SEC + guard);
    assert_int_equal(xg_fixed_window_earliest(&w, 2, 0, SEC + 10 * MS),
                     SEC + 10 * MS);
    xg_fixed_window_take(&w, 2, SEC + 10 * MS);
    /* ...and, as the venue may already be in window 1, they count there
     * after the guard too: only 3 more fit in window 1. */
    assert_int_equal(xg_fixed_window_earliest(&w, 3, 0, SEC + guard),
                     SEC + guard);
    assert_int_equal(xg_fixed_window_earliest(&w, 4, 0, SEC + guard),
                     2 * SEC + guard);
    /* Taking those 3 in window 1 fills it: 2 carried over plus 3. */
    xg_fixed_window_take(&w, 3, SEC + guard);
    assert_int_equal(w.used, 5);
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, SEC + guard + 1),
                     2 * SEC + guard);
}

static void
test_fixed_window_late_takes_count_in_next_window(void **state)
{
    (void)state;
    xg_fixed_window w;
    const int64_t guard = 50 * MS;

    xg_fixed_window_init(&w, 5, SEC, XG_ANCHOR_CLOCK, guard);
    /* Within guard before the boundary the venue may be in window 1. */
    xg_fixed_window_take(&w, 5, SEC - 10 * MS);
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, SEC + guard),
                     2 * SEC + guard);
    /* Without the guard zone, a take well before the edge does not. */
    xg_fixed_window_init(&w, 5, SEC, XG_ANCHOR_CLOCK, guard);
    xg_fixed_window_take(&w, 5, SEC - guard - 1);
    assert_int_equal(xg_fixed_window_earliest(&w, 5, 0, SEC + guard),
                     SEC + guard);
}

static void
test_fixed_window_first_use_anchoring(void **state)
{
    (void)state;
    xg_fixed_window w;
    const int64_t win = 30 * SEC;
    const int64_t guard = SEC;

    xg_fixed_window_init(&w, 3, win, XG_ANCHOR_FIRST_USE, guard);
    /* The window starts at the first take, not at a multiple of 30 s. */
    xg_fixed_window_take(&w, 1, 7 * SEC);
    xg_fixed_window_take(&w, 2, 20 * SEC);
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, 20 * SEC),
                     7 * SEC + win + guard);
    /* 30 s (a clock boundary) is no reset. */
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, 31 * SEC), 38 * SEC);
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, 38 * SEC - 1),
                     38 * SEC);
    assert_int_equal(xg_fixed_window_earliest(&w, 3, 0, 38 * SEC), 38 * SEC);
    /* The next window starts at the next take, here 50 s. */
    xg_fixed_window_take(&w, 3, 50 * SEC);
    assert_int_equal(w.start_ns, 50 * SEC);
    assert_int_equal(xg_fixed_window_earliest(&w, 1, 0, 60 * SEC),
                     50 * SEC + win + guard);
}

static void
test_fixed_window_observe_raises_only(void **state)
{
    (void)state;
    xg_fixed_window w;

    xg_fixed_window_init(&w, 10, SEC, XG_ANCHOR_CLOCK, 0);
    xg_fixed_window_take(&w, 4, 0);
    xg_fixed_window_observe(&w, 2, 1);
    assert_int_equal(w.used, 4);
    xg_fixed_window_observe(&w, 9, 1);
    assert_int_equal(w.used, 9);
    assert_int_equal(xg_fixed_window_earliest(&w, 2, 0, 2), SEC);
    /* A report in a later window counts for that window. */
    xg_fixed_window_observe(&w, 3, SEC + 1);
    assert_int_equal(xg_fixed_window_earliest(&w, 7, 0, SEC + 2), SEC + 2);
    assert_int_equal(xg_fixed_window_earliest(&w, 8, 0, SEC + 2), 2 * SEC);
}

static void
test_fixed_window_clock_step_back_stays_counted(void **state)
{
    (void)state;
    xg_fixed_window w;

    xg_fixed_window_init(&w, 5, SEC, XG_ANCHOR_CLOCK, 0);
    xg_fixed_window_take(&w, 5, 2 * SEC + 1);
    /* The clock estimate moves back into window 1: the units spent in
     * window 2 still count. */
    assert_true(xg_fixed_window_earliest(&w, 1, 0, 2 * SEC - 5) > 2 * SEC);
}

/* --- sliding window --------------------------------------------------- */

static void
test_sliding_window_expires_exactly_at_t_plus_window(void **state)
{
    (void)state;
    xg_sliding_window w;

    assert_int_equal(xg_sliding_window_init(&w, 3, SEC, 0), XG_OK);
    xg_sliding_window_take(&w, 1, 0);
    xg_sliding_window_take(&w, 1, 100 * MS);
    xg_sliding_window_take(&w, 1, 200 * MS);
    assert_int_equal(xg_sliding_window_earliest(&w, 1, 0, 300 * MS), SEC);
    assert_int_equal(xg_sliding_window_earliest(&w, 1, 0, SEC - 1), SEC);
    assert_int_equal(xg_sliding_window_earliest(&w, 1, 0, SEC), SEC);
    assert_int_equal(xg_sliding_window_earliest(&w, 2, 0, SEC), SEC + 100 * MS);
    /* At SEC the entry from 0 is gone: a take leaves 3 units logged. */
    xg_sliding_window_take(&w, 1, SEC);
    assert_int_equal(w.used, 3);
    assert_int_equal(w.count, 3);
    xg_sliding_window_fini(&w);
}

static void
test_sliding_window_guard_delays_expiry(void **state)
{
    (void)state;
    xg_sliding_window w;
    const int64_t guard = 10 * MS;

    assert_int_equal(xg_sliding_window_init(&w, 2, SEC, guard), XG_OK);
    xg_sliding_window_take(&w, 2, 0);
    assert_int_equal(xg_sliding_window_earliest(&w, 1, 0, SEC), SEC + guard);
    assert_int_equal(xg_sliding_window_earliest(&w, 1, 0, SEC + guard - 1),
                     SEC + guard);
    assert_int_equal(xg_sliding_window_earliest(&w, 2, 0, SEC + guard),
                     SEC + guard);
    xg_sliding_window_fini(&w);
}

static void
test_sliding_window_weighted_costs(void **state)
{
    (void)state;
    xg_sliding_window w;

    assert_int_equal(xg_sliding_window_init(&w, 10, SEC, 0), XG_OK);
    xg_sliding_window_take(&w, 4, 0);
    xg_sliding_window_take(&w, 3, 100 * MS);
    xg_sliding_window_take(&w, 3, 200 * MS);
    /* 5 units need the 4 and the 3 at 100 ms to expire. */
    assert_int_equal(xg_sliding_window_earliest(&w, 5, 0, 300 * MS),
                     SEC + 100 * MS);
    assert_int_equal(xg_sliding_window_earliest(&w, 4, 0, 300 * MS), SEC);
    /* keep 2: 4 units need 6 free, i.e. also the 3 at 100 ms. */
    assert_int_equal(xg_sliding_window_earliest(&w, 4, 2, 300 * MS),
                     SEC + 100 * MS);
    assert_int_equal(xg_sliding_window_earliest(&w, 11, 0, 300 * MS),
                     INT64_MAX);
    assert_int_equal(w.used, 10);
    xg_sliding_window_fini(&w);
}

static void
test_sliding_window_ring_wraps_over_many_windows(void **state)
{
    (void)state;
    xg_sliding_window w;
    int64_t now = 0;
    int taken = 0;

    assert_int_equal(xg_sliding_window_init(&w, 7, SEC, 0), XG_OK);
    /* Ask and take as fast as allowed for 10 s: exactly 7 per second. */
    while (now < 10 * SEC) {
        int64_t at = xg_sliding_window_earliest(&w, 1, 0, now);
        if (at == now) {
            xg_sliding_window_take(&w, 1, now);
            taken++;
            now += 13 * MS;
        } else {
            assert_true(at > now);
            now = at;
        }
    }
    assert_int_equal(taken, 70);
    xg_sliding_window_fini(&w);
}

static void
test_sliding_window_observe_adds_unknown_usage(void **state)
{
    (void)state;
    xg_sliding_window w;

    assert_int_equal(xg_sliding_window_init(&w, 10, SEC, 0), XG_OK);
    xg_sliding_window_take(&w, 2, 0);
    xg_sliding_window_observe(&w, 1, 10 * MS);
    assert_int_equal(w.used, 2);
    xg_sliding_window_observe(&w, 10, 10 * MS);
    assert_int_equal(w.used, 10);
    /* The extra 8 are booked at the report time, expiring last. */
    assert_int_equal(xg_sliding_window_earliest(&w, 2, 0, 20 * MS), SEC);
    assert_int_equal(xg_sliding_window_earliest(&w, 3, 0, 20 * MS),
                     SEC + 10 * MS);
    xg_sliding_window_fini(&w);
}

static void
test_sliding_window_holds_others_usage_until_the_venue_resets(void **state)
{
    (void)state;
    xg_sliding_window w;

    /* KuCoin-like: 10 per 30 s. We sent 2; the venue says 10 are spent
     * and its window ends in 500 ms. */
    assert_int_equal(xg_sliding_window_init(&w, 10, 30 * SEC, 0), XG_OK);
    xg_sliding_window_take(&w, 2, 0);
    xg_sliding_window_observe_until(&w, 10, 510 * MS, 10 * MS);
    assert_int_equal(w.used, 2);
    /* Nothing until the venue's window ends, then all but our own 2,
     * which the venue counts in its next window only if sent in it. */
    assert_int_equal(xg_sliding_window_earliest(&w, 1, 0, 20 * MS), 510 * MS);
    assert_int_equal(xg_sliding_window_earliest(&w, 8, 0, 20 * MS), 510 * MS);
    assert_int_equal(xg_sliding_window_earliest(&w, 9, 0, 20 * MS), 30 * SEC);
    assert_int_equal(xg_sliding_window_earliest(&w, 8, 0, 510 * MS), 510 * MS);
    /* A later report of the same window can only extend the hold. */
    xg_sliding_window_observe_until(&w, 6, 400 * MS, 30 * MS);
    assert_int_equal(w.others, 8);
    assert_int_equal(w.others_until_ns, 510 * MS);
    /* A window that already ended, or a count within ours, is nothing. */
    xg_sliding_window_observe_until(&w, 10, 600 * MS, 600 * MS);
    xg_sliding_window_observe_until(&w, 2, 2 * SEC, 600 * MS);
    assert_int_equal(xg_sliding_window_earliest(&w, 8, 0, 600 * MS), 600 * MS);
    xg_sliding_window_fini(&w);
}

static void
test_limiter_usage_with_reset_frees_the_sliding_window_then(void **state)
{
    (void)state;
    xg_bucket_spec spec = {.name = "POOL",
                           .kind = XG_LIMIT_SLIDING_WINDOW,
                           .limit = 100,
                           .window_ns = 30 * SEC};
    xg_limiter *l = xg_limiter_new(&spec, 1, 5 * MS);
    assert_non_null(l);
    xg_cost c = {.bucket = 0, .scope = 0, .units = 1};
    int64_t at = 0;
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_CANCEL, 0, &at),
                     XG_OK);
    assert_int_equal(at, 0);
    /* remaining 0, the pool starts over in 500 ms: the hold ends then
     * (plus the guard), not 30 s later. */
    xg_usage u = {.bucket = 0, .scope = 0, .used = -1, .remaining = 0,
                  .reset_ms = 500};
    xg_limiter_observe(l, &u, 1, 1 * MS);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_CANCEL, 2 * MS, &at),
                     XG_OK);
    assert_int_equal(at, 506 * MS);
    /* Without a reset time the correction must last a whole window. */
    xg_limiter_destroy(&l);
    l = xg_limiter_new(&spec, 1, 5 * MS);
    assert_non_null(l);
    u.reset_ms = 0;
    xg_limiter_observe(l, &u, 1, 1 * MS);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_CANCEL, 2 * MS, &at),
                     XG_OK);
    assert_int_equal(at, 1 * MS + 30 * SEC + 5 * MS);
    xg_limiter_destroy(&l);
}

static void
test_sliding_window_refuses_bad_limit(void **state)
{
    (void)state;
    xg_sliding_window w;

    assert_int_equal(xg_sliding_window_init(&w, 0, SEC, 0), XG_ERR_INVALID);
    assert_int_equal(xg_sliding_window_init(&w, 1000001, SEC, 0),
                     XG_ERR_INVALID);
    assert_int_equal(xg_sliding_window_init(&w, 5, 0, 0), XG_ERR_INVALID);
    xg_sliding_window_fini(&w); /* safe after a failed init */
    assert_int_equal(xg_sliding_window_init(&w, 1000000, SEC, 0), XG_OK);
    xg_sliding_window_fini(&w);
}

/* --- token bucket ----------------------------------------------------- */

static void
test_token_bucket_refill_is_exact_over_small_steps(void **state)
{
    (void)state;
    xg_token_bucket b;

    /* 3 tokens per 1000 ns: a third of a token per step of 111 ns is
     * fractional, so only exact carrying lands on the right counts. */
    xg_token_bucket_init(&b, 3, 1000, 0);
    xg_token_bucket_take(&b, 3, 0);
    for (int64_t t = 1; t <= 1000; t++) {
        (void)xg_token_bucket_earliest(&b, 1, 0, t);
        assert_int_equal(b.level, (t * 3) / 1000);
    }
    assert_int_equal(b.level, 3);

    /* A large bucket refilled in 7 ns steps over a full period. */
    xg_token_bucket_init(&b, 1000, SEC, 0);
    xg_token_bucket_take(&b, 1000, 0);
    int64_t t = 0;
    while (t + 7 <= SEC / 2) {
        t += 7;
        (void)xg_token_bucket_earliest(&b, 1, 0, t);
    }
    assert_int_equal(b.level, (t * 1000) / SEC);
}

static void
test_token_bucket_caps_at_limit(void **state)
{
    (void)state;
    xg_token_bucket b;

    xg_token_bucket_init(&b, 10, SEC, 0);
    xg_token_bucket_take(&b, 1, 0);
    assert_int_equal(xg_token_bucket_earliest(&b, 10, 0, 3600 * SEC),
                     3600 * SEC);
    assert_int_equal(b.level, 10);
    assert_int_equal(xg_token_bucket_earliest(&b, 11, 0, 3600 * SEC),
                     INT64_MAX);
}

static void
test_token_bucket_earliest_when_enough_tokens(void **state)
{
    (void)state;
    xg_token_bucket b;

    xg_token_bucket_init(&b, 10, SEC, 0); /* one token per 100 ms */
    xg_token_bucket_take(&b, 10, 0);
    assert_int_equal(xg_token_bucket_earliest(&b, 1, 0, 0), 100 * MS);
    assert_int_equal(xg_token_bucket_earliest(&b, 3, 0, 0), 300 * MS);
    assert_int_equal(xg_token_bucket_earliest(&b, 1, 0, 50 * MS), 100 * MS);
    assert_int_equal(xg_token_bucket_earliest(&b, 1, 0, 100 * MS), 100 * MS);
    xg_token_bucket_take(&b, 1, 100 * MS);
    /* keep 2: 1 token needs 3 in the bucket. */
    assert_int_equal(xg_token_bucket_earliest(&b, 1, 2, 100 * MS), 400 * MS);
    /* 3 tokens at 1 per 333.33 ns: the answer rounds up, never early. */
    xg_token_bucket_init(&b, 3, 1000, 0);
    xg_token_bucket_take(&b, 3, 0);
    int64_t at = xg_token_bucket_earliest(&b, 1, 0, 0);
    assert_int_equal(at, 334);
    assert_int_equal(xg_token_bucket_earliest(&b, 1, 0, at - 1), at);
    assert_int_equal(xg_token_bucket_earliest(&b, 1, 0, at), at);
}

static void
test_token_bucket_observe_lowers_only(void **state)
{
    (void)state;
    xg_token_bucket b;

    xg_token_bucket_init(&b, 10, SEC, 0);
    xg_token_bucket_observe(&b, 12, 0);
    assert_int_equal(b.level, 10);
    xg_token_bucket_observe(&b, 2, 0);
    assert_int_equal(b.level, 2);
    xg_token_bucket_observe(&b, 5, 0);
    assert_int_equal(b.level, 2);
    assert_int_equal(xg_token_bucket_earliest(&b, 3, 0, 0), 100 * MS);
}

/* --- the per-venue limiter -------------------------------------------- */

static xg_bucket_spec
spec(const char *name, xg_limit_kind kind, int64_t limit, int64_t window_ns)
{
    xg_bucket_spec s;
    memset(&s, 0, sizeof(s));
    memcpy(s.name, name, strlen(name) + 1);
    s.kind = kind;
    s.anchor = XG_ANCHOR_CLOCK;
    s.limit = limit;
    s.window_ns = window_ns;
    return s;
}

static xg_cost
cost(uint16_t bucket, uint32_t scope, int64_t units)
{
    xg_cost c = {bucket, scope, units};
    return c;
}

static void
test_limiter_reserve_is_all_or_nothing(void **state)
{
    (void)state;
    xg_bucket_spec specs[2] = {
        spec("WEIGHT", XG_LIMIT_FIXED_WINDOW, 5, 60 * SEC),
        spec("ORDERS", XG_LIMIT_SLIDING_WINDOW, 2, 10 * SEC),
    };
    xg_limiter *l = xg_limiter_new(specs, 2, 0);
    xg_cost c[2] = {cost(0, 0, 1), cost(1, 0, 1)};
    int64_t at = -1;

    assert_non_null(l);
    assert_int_equal(xg_limiter_bucket_count(l), 2);
    assert_string_equal(xg_limiter_bucket_spec(l, 1)->name, "ORDERS");
    assert_null(xg_limiter_bucket_spec(l, 2));
    assert_int_equal(xg_limiter_reserve(l, c, 2, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(at, 0);
    assert_int_equal(xg_limiter_reserve(l, c, 2, XG_PRIO_NEW, SEC, &at), XG_OK);
    assert_int_equal(at, SEC);
    /* ORDERS is full: nothing is taken from WEIGHT either. */
    assert_int_equal(xg_limiter_reserve(l, c, 2, XG_PRIO_NEW, 2 * SEC, &at),
                     XG_OK);
    assert_int_equal(at, 10 * SEC);
    assert_int_equal(xg_limiter_bucket_used(l, 0, 2 * SEC), 2);
    assert_int_equal(xg_limiter_bucket_used(l, 1, 2 * SEC), 2);
    /* The answer is the later of the buckets' times. */
    xg_cost heavy[2] = {cost(0, 0, 4), cost(1, 0, 1)};
    assert_int_equal(xg_limiter_reserve(l, heavy, 2, XG_PRIO_NEW, 2 * SEC, &at),
                     XG_OK);
    assert_int_equal(at, 60 * SEC);
    assert_int_equal(
        xg_limiter_reserve(l, heavy, 2, XG_PRIO_NEW, 60 * SEC, &at), XG_OK);
    assert_int_equal(at, 60 * SEC);
    assert_int_equal(xg_limiter_bucket_used(l, 0, 60 * SEC), 4);
    xg_limiter_destroy(&l);
    assert_null(l);
    xg_limiter_destroy(&l);
}

static void
test_limiter_sums_repeated_bucket_costs(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("W", XG_LIMIT_FIXED_WINDOW, 5, SEC);
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    xg_cost c[2] = {cost(0, 0, 3), cost(0, 0, 3)};
    int64_t at;

    assert_non_null(l);
    assert_int_equal(xg_limiter_reserve(l, c, 2, XG_PRIO_CANCEL, 0, &at),
                     XG_ERR_OVERFLOW);
    assert_int_equal(at, INT64_MAX);
    c[1].units = 2;
    assert_int_equal(xg_limiter_reserve(l, c, 2, XG_PRIO_CANCEL, 0, &at),
                     XG_OK);
    assert_int_equal(at, 0);
    assert_int_equal(xg_limiter_bucket_used(l, 0, 0), 5);
    xg_limiter_destroy(&l);
}

static void
test_bucket_keeps_cancel_reserve(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("ORDERS_10S", XG_LIMIT_FIXED_WINDOW, 10, 10 * SEC);
    s.reserve_cancel = 2;
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    xg_cost c = cost(0, 0, 1);
    int64_t at;

    assert_non_null(l);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at),
                         XG_OK);
        assert_int_equal(at, 0);
    }
    /* New orders stop with two units left... */
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(at, 10 * SEC);
    /* ...which cancels may still use. */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_CANCEL, 0, &at),
                         XG_OK);
        assert_int_equal(at, 0);
    }
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_CANCEL, 0, &at),
                     XG_OK);
    assert_int_equal(at, 10 * SEC);
    assert_int_equal(xg_limiter_bucket_used(l, 0, 0), 10);
    xg_limiter_destroy(&l);
}

static void
test_bucket_keeps_query_reserve(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("REQ", XG_LIMIT_SLIDING_WINDOW, 10, SEC);
    s.reserve_cancel = 2;
    s.reserve_new = 3;
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    xg_cost c = cost(0, 0, 1);
    int64_t at;
    int queries = 0;
    int news = 0;

    assert_non_null(l);
    while (xg_limiter_reserve(l, &c, 1, XG_PRIO_QUERY, 0, &at) == XG_OK &&
           at == 0) {
        queries++;
    }
    assert_int_equal(queries, 5);
    assert_int_equal(at, SEC);
    while (xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at) == XG_OK &&
           at == 0) {
        news++;
    }
    assert_int_equal(news, 3);
    /* A query larger than its share can never go. */
    c.units = 6;
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_QUERY, 0, &at),
                     XG_ERR_OVERFLOW);
    assert_int_equal(at, INT64_MAX);
    c.units = 2;
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_CANCEL, 0, &at),
                     XG_OK);
    assert_int_equal(at, 0);
    xg_limiter_destroy(&l);
}

static void
test_limiter_per_scope_buckets_are_independent(void **state)
{
    (void)state;
    xg_bucket_spec s[2] = {
        spec("PER_INST", XG_LIMIT_SLIDING_WINDOW, 2, 2 * SEC),
        spec("ALL", XG_LIMIT_TOKEN_BUCKET, 100, SEC),
    };
    s[0].flags = XG_BUCKET_PER_SCOPE;
    xg_limiter *l = xg_limiter_new(s, 2, 0);
    int64_t at;

    assert_non_null(l);
    xg_cost a[2] = {cost(0, 11, 1), cost(1, 11, 1)};
    xg_cost b[2] = {cost(0, 22, 1), cost(1, 22, 1)};
    assert_int_equal(xg_limiter_reserve(l, a, 2, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(xg_limiter_reserve(l, a, 2, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(at, 0);
    assert_int_equal(xg_limiter_reserve(l, a, 2, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(at, 2 * SEC);
    /* Scope 22 is untouched by scope 11's use. */
    assert_int_equal(xg_limiter_reserve(l, b, 2, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(at, 0);
    /* Status shows the busiest scope; the shared bucket counts all. */
    assert_int_equal(xg_limiter_bucket_used(l, 0, 0), 2);
    assert_int_equal(xg_limiter_bucket_used(l, 1, 0), 3);
    xg_limiter_destroy(&l);
}

static void
test_limiter_scope_table_is_bounded(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("PER_INST", XG_LIMIT_FIXED_WINDOW, 1, SEC);
    s.flags = XG_BUCKET_PER_SCOPE;
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    int64_t at;

    assert_non_null(l);
    for (uint32_t k = 0; k < 4096; k++) {
        xg_cost c = cost(0, k * 7919u, 1);
        assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at),
                         XG_OK);
        assert_int_equal(at, 0);
    }
    /* Every scope kept its own count through the table's growth. */
    for (uint32_t k = 0; k < 4096; k += 97) {
        xg_cost c = cost(0, k * 7919u, 1);
        assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 1, &at),
                         XG_OK);
        assert_int_equal(at, SEC);
    }
    xg_cost extra = cost(0, 0xFFFFFFFFu, 1);
    assert_int_equal(xg_limiter_reserve(l, &extra, 1, XG_PRIO_NEW, 0, &at),
                     XG_ERR_BUSY);
    xg_limiter_destroy(&l);
}

static void
test_limiter_observe_corrects_upwards_only(void **state)
{
    (void)state;
    xg_bucket_spec s[3] = {
        spec("WEIGHT_1M", XG_LIMIT_FIXED_WINDOW, 1200, 60 * SEC),
        spec("ORDERS", XG_LIMIT_SLIDING_WINDOW, 10, SEC),
        spec("TOKENS", XG_LIMIT_TOKEN_BUCKET, 10, SEC),
    };
    xg_limiter *l = xg_limiter_new(s, 3, 0);
    xg_cost c = cost(0, 0, 100);
    int64_t at;

    assert_non_null(l);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, SEC, &at),
                     XG_OK);
    xg_usage u[4] = {
        {0, 0, 50, -1, 0}, /* lower than ours: ignored */
        {1, 0, -1, 4, 0},  /* 4 left of 10: 6 used */
        {2, 0, 3, -1, 0},  /* 3 used: 7 tokens left */
        {9, 0, 5, 5, 0},   /* unknown bucket: ignored */
    };
    xg_limiter_observe(l, u, 4, SEC);
    assert_int_equal(xg_limiter_bucket_used(l, 0, SEC), 100);
    assert_int_equal(xg_limiter_bucket_used(l, 1, SEC), 6);
    assert_int_equal(xg_limiter_bucket_used(l, 2, SEC), 3);
    u[0].used = 1150;
    xg_limiter_observe(l, u, 1, SEC);
    assert_int_equal(xg_limiter_bucket_used(l, 0, SEC), 1150);
    c.units = 51;
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, SEC, &at),
                     XG_OK);
    assert_int_equal(at, 60 * SEC);
    xg_usage rem = {0, 0, -1, 1200, 0}; /* "all left": not a correction */
    xg_limiter_observe(l, &rem, 1, SEC);
    assert_int_equal(xg_limiter_bucket_used(l, 0, SEC), 1150);
    xg_limiter_destroy(&l);
}

static void
test_limiter_refuses_bad_input(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("W", XG_LIMIT_FIXED_WINDOW, 10, SEC);
    xg_bucket_spec bad;
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    xg_cost c = cost(1, 0, 1);
    int64_t at;

    assert_non_null(l);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at),
                     XG_ERR_INVALID);
    c = cost(0, 0, -1);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at),
                     XG_ERR_INVALID);
    c = cost(0, 0, 11);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_CANCEL, 0, &at),
                     XG_ERR_OVERFLOW);
    assert_int_equal(at, INT64_MAX);
    assert_int_equal(xg_limiter_reserve(l, NULL, 0, XG_PRIO_NEW, 5, &at),
                     XG_OK);
    assert_int_equal(at, 5);
    assert_int_equal(xg_limiter_bucket_used(l, 3, 0), 0);
    xg_limiter_destroy(&l);

    bad = s;
    bad.limit = 0;
    assert_null(xg_limiter_new(&bad, 1, 0));
    bad = s;
    bad.kind = (xg_limit_kind)9;
    assert_null(xg_limiter_new(&bad, 1, 0));
    bad = s;
    bad.reserve_cancel = 5;
    bad.reserve_new = 5; /* queries could never go */
    assert_null(xg_limiter_new(&bad, 1, 0));
    bad = s;
    memset(bad.name, 'x', sizeof(bad.name)); /* unterminated */
    assert_null(xg_limiter_new(&bad, 1, 0));
    bad = spec("S", XG_LIMIT_SLIDING_WINDOW, 2000000, SEC);
    assert_null(xg_limiter_new(&bad, 1, 0));
    bad = s;
    bad.flags = 0x80;
    assert_null(xg_limiter_new(&bad, 1, 0));
    assert_null(xg_limiter_new(&s, 1, -1));
}

static void
test_limiter_first_use_pool_and_guard(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("POOL_30S", XG_LIMIT_FIXED_WINDOW, 3, 30 * SEC);
    s.anchor = XG_ANCHOR_FIRST_USE;
    xg_limiter *l = xg_limiter_new(&s, 1, 500 * MS);
    xg_cost c = cost(0, 0, 3);
    int64_t at;

    assert_non_null(l);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 4 * SEC, &at),
                     XG_OK);
    assert_int_equal(at, 4 * SEC);
    c.units = 1;
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 5 * SEC, &at),
                     XG_OK);
    assert_int_equal(at, 34 * SEC + 500 * MS);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, at, &at), XG_OK);
    assert_int_equal(at, 34 * SEC + 500 * MS);
    xg_limiter_destroy(&l);
}

/* --- reconciliation's capped share ------------------------------------ */

/* How many one-unit reconciliation requests go at now before the first
 * one has to wait; *at gets that wait. Asks far more often than the
 * bucket could ever admit, as thousands of recovered orders would. */
static int
reconcile_burst(xg_limiter *l, int64_t now, int64_t *at)
{
    xg_cost c = cost(0, 0, 1);
    int admitted = 0;
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(
            xg_limiter_reserve(l, &c, 1, XG_PRIO_RECONCILE, now, at), XG_OK);
        if (*at == now) {
            admitted++;
        }
    }
    return admitted;
}

static void
test_reconcile_share_caps_every_bucket_kind(void **state)
{
    (void)state;
    const xg_limit_kind kinds[] = {
        XG_LIMIT_FIXED_WINDOW, XG_LIMIT_SLIDING_WINDOW, XG_LIMIT_TOKEN_BUCKET};
    for (size_t k = 0; k < 3; k++) {
        xg_bucket_spec s = spec("W", kinds[k], 20, SEC);
        s.reserve_cancel = 1;
        s.reserve_new = 2;
        xg_limiter *l = xg_limiter_new(&s, 1, 0);
        int64_t at;
        assert_non_null(l);
        assert_int_equal(xg_limiter_set_reconcile_share(l, 50), XG_OK);
        /* Half of 20, however many ask. */
        assert_int_equal(reconcile_burst(l, 100 * MS, &at), 10);
        assert_true(at > 100 * MS);
        assert_int_equal(xg_limiter_bucket_used(l, 0, 100 * MS), 10);
        if (kinds[k] == XG_LIMIT_TOKEN_BUCKET) {
            /* One unit refills every 50 ms; the share stays full. */
            assert_int_equal(at, 150 * MS);
        } else if (kinds[k] == XG_LIMIT_FIXED_WINDOW) {
            assert_int_equal(at, SEC);
        } else {
            assert_int_equal(at, 1100 * MS);
        }
        /* Moving on to each answered time never lets it past its share. */
        int64_t now = at;
        for (int i = 0; i < 200; i++) {
            reconcile_burst(l, now, &at);
            assert_true(xg_limiter_bucket_used(l, 0, now) <= 10);
            assert_true(at > now);
            now = at;
        }
        xg_limiter_destroy(&l);
    }
}

/* As many requests of prio as admitted at now, one unit each. */
static int
burst_of(xg_limiter *l, xg_priority prio, int64_t now)
{
    xg_cost c = cost(0, 0, 1);
    int64_t at = now;
    int n = 0;
    while (xg_limiter_reserve(l, &c, 1, prio, now, &at) == XG_OK && at == now) {
        n++;
    }
    return n;
}

static void
test_share_caps_every_priority_with_scaled_reserves(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("ORDERS", XG_LIMIT_FIXED_WINDOW, 100, 10 * SEC);
    s.reserve_cancel = 10;
    s.reserve_new = 20;
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    assert_non_null(l);
    assert_int_equal(xg_limiter_set_share(l, 0), XG_ERR_INVALID);
    assert_int_equal(xg_limiter_set_share(l, 101), XG_ERR_INVALID);
    assert_int_equal(xg_limiter_set_share(l, 30), XG_OK);
    /* 30 of 100; queries leave 30 % of the 30 reserved (9), new orders
     * 30 % of the cancels' 10 (3), cancels take what is left. */
    assert_int_equal(burst_of(l, XG_PRIO_QUERY, 0), 21);
    assert_int_equal(burst_of(l, XG_PRIO_NEW, 0), 6);
    assert_int_equal(burst_of(l, XG_PRIO_CANCEL, 0), 3);
    assert_int_equal(xg_limiter_bucket_used(l, 0, 0), 30);
    /* Back to the whole limit: the 30 stay counted, 70 more may go. */
    assert_int_equal(xg_limiter_set_share(l, 100), XG_OK);
    assert_int_equal(burst_of(l, XG_PRIO_CANCEL, 0), 70);
    xg_limiter_destroy(&l);
}

static void
test_share_lowered_after_a_burst_lets_nothing_more_go(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("W", XG_LIMIT_SLIDING_WINDOW, 60, 2 * SEC);
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    assert_non_null(l);
    assert_int_equal(burst_of(l, XG_PRIO_NEW, 0), 60);
    assert_int_equal(xg_limiter_set_share(l, 33), XG_OK);
    /* 60 already went: nothing until they leave the window. */
    assert_int_equal(burst_of(l, XG_PRIO_CANCEL, SEC), 0);
    assert_int_equal(burst_of(l, XG_PRIO_CANCEL, 2 * SEC), 19);
    xg_limiter_destroy(&l);
}

static void
test_share_lets_a_request_larger_than_it_into_an_unused_bucket(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("W", XG_LIMIT_FIXED_WINDOW, 100, SEC);
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    xg_cost big = cost(0, 0, 40);
    int64_t at = 0;
    assert_non_null(l);
    assert_int_equal(xg_limiter_set_share(l, 25), XG_OK);
    assert_int_equal(xg_limiter_reserve(l, &big, 1, XG_PRIO_NEW, 0, &at),
                     XG_OK);
    assert_int_equal(at, 0);
    /* ... but not into one already holding it. */
    assert_int_equal(xg_limiter_reserve(l, &big, 1, XG_PRIO_NEW, 0, &at),
                     XG_OK);
    assert_int_equal(at, SEC);
    xg_limiter_destroy(&l);
}

static void
test_reconcile_leaves_room_for_cancels_and_new_orders(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("ORDERS", XG_LIMIT_FIXED_WINDOW, 20, 10 * SEC);
    s.reserve_cancel = 2;
    s.reserve_new = 3;
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    xg_cost c = cost(0, 0, 1);
    int64_t at;
    assert_non_null(l);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 25), XG_OK);
    assert_int_equal(reconcile_burst(l, 0, &at), 5);
    assert_int_equal(at, 10 * SEC);
    /* Ordinary queries still have up to their reserve... */
    int queries = 0;
    while (xg_limiter_reserve(l, &c, 1, XG_PRIO_QUERY, 0, &at) == XG_OK &&
           at == 0) {
        queries++;
    }
    assert_int_equal(queries, 20 - 5 - 5);
    /* ...new orders up to the cancel reserve, and cancels the rest. */
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(at, 0);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(at, 0);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(at, 0);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_NEW, 0, &at), XG_OK);
    assert_int_equal(at, 10 * SEC);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_CANCEL, 0, &at),
                         XG_OK);
        assert_int_equal(at, 0);
    }
    assert_int_equal(xg_limiter_bucket_used(l, 0, 0), 20);
    xg_limiter_destroy(&l);
}

static void
test_reconcile_share_never_exceeds_the_query_allowance(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("REQ", XG_LIMIT_SLIDING_WINDOW, 100, SEC);
    s.reserve_cancel = 5;
    s.reserve_new = 10;
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    int64_t at;
    assert_non_null(l);
    /* The default share is 100: reconciliation is capped like a query. */
    assert_int_equal(reconcile_burst(l, 0, &at), 85);
    xg_limiter_destroy(&l);
    l = xg_limiter_new(&s, 1, 0);
    /* 90 % would eat into the reserves, which still win. */
    assert_int_equal(xg_limiter_set_reconcile_share(l, 90), XG_OK);
    assert_int_equal(reconcile_burst(l, 0, &at), 85);
    xg_limiter_destroy(&l);
    l = xg_limiter_new(&s, 1, 0);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 1), XG_OK);
    assert_int_equal(reconcile_burst(l, 0, &at), 1);
    xg_limiter_destroy(&l);
}

static void
test_reconcile_share_rounds_down_but_allows_one_unit(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("SMALL", XG_LIMIT_FIXED_WINDOW, 3, SEC);
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    int64_t at;
    assert_non_null(l);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 50), XG_OK);
    assert_int_equal(reconcile_burst(l, 0, &at), 1); /* floor(1.5) */
    xg_limiter_destroy(&l);
    l = xg_limiter_new(&s, 1, 0);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 10), XG_OK);
    assert_int_equal(reconcile_burst(l, 0, &at), 1); /* 0.3 -> 1 */
    xg_limiter_destroy(&l);
    /* A limit near INT64_MAX does not overflow the share. */
    s.limit = INT64_MAX / 2;
    s.kind = XG_LIMIT_TOKEN_BUCKET;
    l = xg_limiter_new(&s, 1, 0);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 50), XG_OK);
    xg_cost c = cost(0, 0, INT64_MAX / 4);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_RECONCILE, 0, &at),
                     XG_OK);
    assert_int_equal(at, 0);
    c.units = 2;
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_RECONCILE, 0, &at),
                     XG_OK);
    assert_true(at > 0);
    xg_limiter_destroy(&l);
}

static void
test_reconcile_request_above_share_goes_only_into_an_idle_bucket(void **state)
{
    (void)state;
    /* Binance-like: a query weighs 4, the share is 10 % of 20 = 2. */
    xg_bucket_spec s = spec("WEIGHT", XG_LIMIT_FIXED_WINDOW, 20, SEC);
    s.reserve_cancel = 1;
    s.reserve_new = 2;
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    xg_cost q = cost(0, 0, 4);
    xg_cost one = cost(0, 0, 1);
    int64_t at;
    assert_non_null(l);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 10), XG_OK);
    assert_int_equal(xg_limiter_reserve(l, &q, 1, XG_PRIO_RECONCILE, 0, &at),
                     XG_OK);
    assert_int_equal(at, 0);
    assert_int_equal(xg_limiter_reserve(l, &q, 1, XG_PRIO_RECONCILE, 0, &at),
                     XG_OK);
    assert_int_equal(at, SEC);
    /* In the next window a new order came first: the query waits again. */
    assert_int_equal(xg_limiter_reserve(l, &one, 1, XG_PRIO_NEW, SEC, &at),
                     XG_OK);
    assert_int_equal(at, SEC);
    assert_int_equal(xg_limiter_reserve(l, &q, 1, XG_PRIO_RECONCILE, SEC, &at),
                     XG_OK);
    assert_int_equal(at, 2 * SEC);
    /* Larger than what queries may ever use: refused as for a query. */
    q.units = 18;
    assert_int_equal(xg_limiter_reserve(l, &q, 1, XG_PRIO_RECONCILE, 0, &at),
                     XG_ERR_OVERFLOW);
    assert_int_equal(at, INT64_MAX);
    xg_limiter_destroy(&l);
}

static void
test_reconcile_share_applies_per_scope(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("PER_INST", XG_LIMIT_SLIDING_WINDOW, 10, SEC);
    s.flags = XG_BUCKET_PER_SCOPE;
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    int64_t at;
    assert_non_null(l);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 40), XG_OK);
    for (uint32_t scope = 1; scope <= 3; scope++) {
        xg_cost c = cost(0, scope, 1);
        int admitted = 0;
        for (int i = 0; i < 50; i++) {
            assert_int_equal(
                xg_limiter_reserve(l, &c, 1, XG_PRIO_RECONCILE, 0, &at), XG_OK);
            admitted += at == 0;
        }
        assert_int_equal(admitted, 4);
    }
    xg_limiter_destroy(&l);
}

static void
test_reconcile_share_setter_refuses_out_of_range(void **state)
{
    (void)state;
    xg_bucket_spec s = spec("W", XG_LIMIT_FIXED_WINDOW, 10, SEC);
    xg_limiter *l = xg_limiter_new(&s, 1, 0);
    int64_t at;
    assert_non_null(l);
    assert_int_equal(xg_limiter_set_reconcile_share(NULL, 50), XG_ERR_INVALID);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 20), XG_OK);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 0), XG_ERR_INVALID);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 101), XG_ERR_INVALID);
    assert_int_equal(xg_limiter_set_reconcile_share(l, 4000000000u),
                     XG_ERR_INVALID);
    /* The refused values changed nothing: still 20 % of 10. */
    assert_int_equal(reconcile_burst(l, 0, &at), 2);
    /* An unknown priority is held to the strictest reserve, not crashed. */
    xg_cost c = cost(0, 0, 1);
    assert_int_equal(xg_limiter_reserve(l, &c, 1, (xg_priority)9, 0, &at),
                     XG_OK);
    xg_limiter_destroy(&l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_window_admits_exactly_limit),
        cmocka_unit_test(test_fixed_window_refuses_one_over),
        cmocka_unit_test(test_fixed_window_cost_above_limit_never_fits),
        cmocka_unit_test(test_fixed_window_edge_without_guard),
        cmocka_unit_test(test_fixed_window_new_window_opens_after_guard),
        cmocka_unit_test(
            test_fixed_window_guard_zone_takes_count_in_both_windows),
        cmocka_unit_test(test_fixed_window_late_takes_count_in_next_window),
        cmocka_unit_test(test_fixed_window_first_use_anchoring),
        cmocka_unit_test(test_fixed_window_observe_raises_only),
        cmocka_unit_test(test_fixed_window_clock_step_back_stays_counted),
        cmocka_unit_test(test_sliding_window_expires_exactly_at_t_plus_window),
        cmocka_unit_test(test_sliding_window_guard_delays_expiry),
        cmocka_unit_test(test_sliding_window_weighted_costs),
        cmocka_unit_test(test_sliding_window_ring_wraps_over_many_windows),
        cmocka_unit_test(test_sliding_window_observe_adds_unknown_usage),
        cmocka_unit_test(
            test_sliding_window_holds_others_usage_until_the_venue_resets),
        cmocka_unit_test(
            test_limiter_usage_with_reset_frees_the_sliding_window_then),
        cmocka_unit_test(test_sliding_window_refuses_bad_limit),
        cmocka_unit_test(test_token_bucket_refill_is_exact_over_small_steps),
        cmocka_unit_test(test_token_bucket_caps_at_limit),
        cmocka_unit_test(test_token_bucket_earliest_when_enough_tokens),
        cmocka_unit_test(test_token_bucket_observe_lowers_only),
        cmocka_unit_test(test_limiter_reserve_is_all_or_nothing),
        cmocka_unit_test(test_limiter_sums_repeated_bucket_costs),
        cmocka_unit_test(test_bucket_keeps_cancel_reserve),
        cmocka_unit_test(test_bucket_keeps_query_reserve),
        cmocka_unit_test(test_limiter_per_scope_buckets_are_independent),
        cmocka_unit_test(test_limiter_scope_table_is_bounded),
        cmocka_unit_test(test_limiter_observe_corrects_upwards_only),
        cmocka_unit_test(test_limiter_refuses_bad_input),
        cmocka_unit_test(test_limiter_first_use_pool_and_guard),
        cmocka_unit_test(test_reconcile_share_caps_every_bucket_kind),
        cmocka_unit_test(test_share_caps_every_priority_with_scaled_reserves),
        cmocka_unit_test(test_share_lowered_after_a_burst_lets_nothing_more_go),
        cmocka_unit_test(
            test_share_lets_a_request_larger_than_it_into_an_unused_bucket),
        cmocka_unit_test(test_reconcile_leaves_room_for_cancels_and_new_orders),
        cmocka_unit_test(
            test_reconcile_share_never_exceeds_the_query_allowance),
        cmocka_unit_test(test_reconcile_share_rounds_down_but_allows_one_unit),
        cmocka_unit_test(
            test_reconcile_request_above_share_goes_only_into_an_idle_bucket),
        cmocka_unit_test(test_reconcile_share_applies_per_scope),
        cmocka_unit_test(test_reconcile_share_setter_refuses_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
