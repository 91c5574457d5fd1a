/*
 * test_health.c - the venue state machine (core/health.c), a pure
 * function: every case is a health, an event and the step it must give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "health.h"

#define NOW              1000000
#define THROTTLE_DEFAULT 1000

static xg__venue_health
in_state(xg__venue_state st, int64_t until)
{
    xg__venue_health h;
    memset(&h, 0, sizeof h);
    h.state = st;
    h.until_mono_ms = until;
    return h;
}

static xg__health_step
step(const xg__venue_health *h, xg__health_kind kind, int64_t wait_ms,
     int64_t until, int has_instruments, int64_t now)
{
    const xg__health_event ev = {kind, wait_ms, until, "why"};
    return xg__health_next(h, &ev, THROTTLE_DEFAULT, has_instruments, now);
}

static void
test_rate_limit_throttles_and_only_a_longer_wait_extends_it(void **state)
{
    (void)state;
    xg__venue_health up = in_state(XG_VENUE_UP, 0);
    xg__health_step s = step(&up, XG_HEALTH_RATE_LIMITED, 500, 0, 1, NOW);
    assert_int_equal(s.health.state, XG_VENUE_THROTTLED);
    assert_int_equal(s.health.until_mono_ms, NOW + 500);
    assert_int_equal(s.ready_mono_ms, NOW + 500);
    assert_null(s.move_reason);
    assert_true(s.is_changed);

    /* No hint: the venue's default wait. */
    s = step(&up, XG_HEALTH_RATE_LIMITED, 0, 0, 1, NOW);
    assert_int_equal(s.health.until_mono_ms, NOW + THROTTLE_DEFAULT);

    xg__venue_health throttled = in_state(XG_VENUE_THROTTLED, NOW + 500);
    s = step(&throttled, XG_HEALTH_RATE_LIMITED, 200, 0, 1, NOW);
    assert_false(s.is_changed);
    assert_int_equal(s.health.until_mono_ms, NOW + 500);
    s = step(&throttled, XG_HEALTH_RATE_LIMITED, 900, 0, 1, NOW);
    assert_true(s.is_changed);
    assert_int_equal(s.health.until_mono_ms, NOW + 900);
}

static void
test_ban_outranks_a_throttle_and_moves_queued_orders(void **state)
{
    (void)state;
    xg__venue_health throttled = in_state(XG_VENUE_THROTTLED, NOW + 500);
    xg__health_step s =
        step(&throttled, XG_HEALTH_BANNED, 0, NOW + 60000, 1, NOW);
    assert_int_equal(s.health.state, XG_VENUE_BANNED);
    assert_int_equal(s.health.until_mono_ms, NOW + 60000);
    assert_string_equal(s.move_reason, "banned");
    assert_int_equal(s.ready_mono_ms, NOW + 60000);

    /* A throttle during a ban changes nothing. */
    xg__venue_health banned = in_state(XG_VENUE_BANNED, NOW + 60000);
    s = step(&banned, XG_HEALTH_RATE_LIMITED, 100000, 0, 1, NOW);
    assert_false(s.is_changed);
    assert_int_equal(s.health.state, XG_VENUE_BANNED);

    /* A shorter ban keeps the longer end, but its refused order still
     * moves. */
    s = step(&banned, XG_HEALTH_BANNED, 0, NOW + 1000, 1, NOW);
    assert_false(s.is_changed);
    assert_int_equal(s.health.until_mono_ms, NOW + 60000);
    assert_string_equal(s.move_reason, "banned");
}

static void
test_start_up_answer_during_a_throttle_keeps_it(void **state)
{
    (void)state;
    /* The time request met a 429 while the instruments were in flight;
     * their answer must not lift the throttle (the chaos test caught a
     * venue sent to while the exchange still counted it under a 429). */
    xg__venue_health throttled = in_state(XG_VENUE_THROTTLED, NOW + 1000);
    xg__health_step s = step(&throttled, XG_HEALTH_STARTED, 0, 0, 1, NOW);
    assert_int_equal(s.health.state, XG_VENUE_THROTTLED);
    assert_int_equal(s.health.until_mono_ms, NOW + 1000);
    assert_false(s.is_up);
    /* It ends by itself, UP since the instruments are loaded. */
    s = step(&throttled, XG_HEALTH_TICK, 0, 0, 1, NOW + 1000);
    assert_int_equal(s.health.state, XG_VENUE_UP);
    assert_true(s.is_up);

    xg__venue_health starting = in_state(XG_VENUE_STARTING, 0);
    s = step(&starting, XG_HEALTH_STARTED, 0, 0, 1, NOW);
    assert_int_equal(s.health.state, XG_VENUE_UP);
    assert_true(s.is_up);
}

static void
test_unreachable_backs_off_doubling_to_a_cap(void **state)
{
    (void)state;
    xg__venue_health h = in_state(XG_VENUE_UP, 0);
    int64_t want = XG_DOWN_BACKOFF_MIN_MS;
    for (int i = 0; i < 12; i++) {
        xg__health_step s = step(&h, XG_HEALTH_UNREACHABLE, 0, 0, 1, NOW);
        assert_int_equal(s.health.state, XG_VENUE_DOWN);
        assert_int_equal(s.health.down_backoff_ms, want);
        assert_int_equal(s.health.until_mono_ms, NOW + want);
        assert_string_equal(s.move_reason, "down");
        h = s.health;
        want = want * 2 > XG_DOWN_BACKOFF_MAX_MS ? XG_DOWN_BACKOFF_MAX_MS
                                                 : want * 2;
    }
    /* An answer on an UP venue resets the back-off; on a DOWN one it
     * waits for the venue to be UP. */
    xg__health_step s = step(&h, XG_HEALTH_ANSWERED, 0, 0, 1, NOW);
    assert_int_equal(s.health.down_backoff_ms, XG_DOWN_BACKOFF_MAX_MS);
    h.state = XG_VENUE_UP;
    s = step(&h, XG_HEALTH_ANSWERED, 0, 0, 1, NOW);
    assert_int_equal(s.health.down_backoff_ms, 0);
    assert_false(s.is_changed);
}

static void
test_tick_ends_waits_only_when_due(void **state)
{
    (void)state;
    xg__venue_health down = in_state(XG_VENUE_DOWN, NOW + 250);
    xg__health_step s = step(&down, XG_HEALTH_TICK, 0, 0, 1, NOW + 249);
    assert_false(s.is_changed);
    assert_int_equal(s.health.state, XG_VENUE_DOWN);
    s = step(&down, XG_HEALTH_TICK, 0, 0, 1, NOW + 250);
    assert_int_equal(s.health.state, XG_VENUE_UP);
    assert_int_equal(s.health.until_mono_ms, 0);
    /* A venue that never loaded its instruments starts again. */
    s = step(&down, XG_HEALTH_TICK, 0, 0, 0, NOW + 250);
    assert_int_equal(s.health.state, XG_VENUE_STARTING);
    assert_false(s.is_up);
    xg__venue_health up = in_state(XG_VENUE_UP, 0);
    s = step(&up, XG_HEALTH_TICK, 0, 0, 1, NOW);
    assert_false(s.is_changed);
}

static void
test_ban_end_is_converted_and_guarded(void **state)
{
    (void)state;
    xg_result res;
    memset(&res, 0, sizeof res);
    /* The venue's clock says the ban ends in 60 s; its offset is known to
     * within 5 ms, and the guard adds 20. */
    res.banned_until_ms = 1700000060000;
    assert_int_equal(
        xg__health_ban_until_mono_ms(&res, NOW, 1700000000000, 5, 20, 600000),
        NOW + 60000 + 25);
    res.banned_until_ms = 0;
    res.retry_after_ms = 120000;
    assert_int_equal(
        xg__health_ban_until_mono_ms(&res, NOW, 1700000000000, 5, 20, 600000),
        NOW + 120000);
    res.retry_after_ms = 0;
    assert_int_equal(
        xg__health_ban_until_mono_ms(&res, NOW, 1700000000000, 5, 20, 600000),
        NOW + 600000);
    /* A ban that already ended still lasts a millisecond. */
    res.banned_until_ms = 1600000000000;
    assert_int_equal(
        xg__health_ban_until_mono_ms(&res, NOW, 1700000000000, 5, 20, 600000),
        NOW + 1);
}

static void
test_rate_limit_wait_takes_the_later_of_relative_and_absolute(void **state)
{
    (void)state;
    xg_result res;
    memset(&res, 0, sizeof res);
    res.retry_after_ms = 1000;
    assert_int_equal(xg__health_rate_limit_wait_ms(&res, 5000), 1000);
    res.retry_at_ms = 8000;
    assert_int_equal(xg__health_rate_limit_wait_ms(&res, 5000), 3000);
    res.retry_at_ms = 5500;
    assert_int_equal(xg__health_rate_limit_wait_ms(&res, 5000), 1000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_rate_limit_throttles_and_only_a_longer_wait_extends_it),
        cmocka_unit_test(test_ban_outranks_a_throttle_and_moves_queued_orders),
        cmocka_unit_test(test_start_up_answer_during_a_throttle_keeps_it),
        cmocka_unit_test(test_unreachable_backs_off_doubling_to_a_cap),
        cmocka_unit_test(test_tick_ends_waits_only_when_due),
        cmocka_unit_test(test_ban_end_is_converted_and_guarded),
        cmocka_unit_test(
            test_rate_limit_wait_takes_the_later_of_relative_and_absolute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
