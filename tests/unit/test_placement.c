/*
 * test_placement.c - the venue chooser (core/placement.c), a pure
 * function over venues in chosen states: one rule for new orders and for
 * orders leaving their venue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "placement.h"

#define NOW  1000000
#define WALL 1700000000000

/* Venues 0..3: a, b, c (does not list BTC/USDT), d. */
static xg__venue_config cfgs[4];
static xg__venue venues[4];
static xg_order order;

static void
set_state(int v, xg__venue_state st, int64_t until)
{
    venues[v].health.state = st;
    venues[v].health.until_mono_ms = until;
}

static int
setup(void **state)
{
    (void)state;
    static const char *names[] = {"a", "b", "c", "d"};
    xg_instrument ins;
    memset(&ins, 0, sizeof ins);
    memcpy(ins.symbol, "BTC/USDT", 9);
    ins.tick_size = (xg_decimal){1, 2};
    ins.lot_size = (xg_decimal){1, 3};
    ins.is_trading = 1;
    xg_instrument other = ins;
    memcpy(other.symbol, "ETH/USDT", 9);
    memset(cfgs, 0, sizeof cfgs);
    memset(venues, 0, sizeof venues);
    for (int i = 0; i < 4; i++) {
        memcpy(cfgs[i].name, names[i], 2);
        venues[i].cfg = &cfgs[i];
        assert_int_equal(
            xg__venue_set_instruments(&venues[i], i == 2 ? &other : &ins, 1),
            XG_OK);
        set_state(i, XG_VENUE_UP, 0);
    }
    memset(&order, 0, sizeof order);
    memcpy(order.symbol, "BTC/USDT", 9);
    memcpy(order.client_id, "o1", 3);
    memcpy(order.strategy_id, "s", 2);
    order.side = XG_SIDE_BUY;
    order.type = XG_TYPE_LIMIT;
    order.tif = XG_TIF_GTC;
    order.qty = (xg_decimal){1, 3};
    order.price = (xg_decimal){30000, 0};
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        free(venues[i].instruments);
    }
    return 0;
}

static xg__choice
choose(const uint8_t *route, size_t n, int64_t deadline, int from,
       const char *from_reason, int64_t from_ready)
{
    xg__want w = {&order, route, n, 0, deadline, from, from_reason, from_ready};
    xg__choice c;
    xg__placement_choose(venues, &w, NOW, WALL, &c);
    return c;
}

static xg__choice
choose_new(const uint8_t *route, size_t n, int64_t deadline)
{
    return choose(route, n, deadline, -1, "", 0);
}

static void
test_first_up_venue_takes_it(void **state)
{
    (void)state;
    const uint8_t route[] = {0, 1};
    xg__choice c = choose_new(route, 2, 0);
    assert_int_equal(c.venue, 0);
    assert_false(c.is_waiting);
    assert_int_equal(c.n_skipped, 0);
}

static void
test_banned_first_venue_is_skipped_with_its_end(void **state)
{
    (void)state;
    set_state(0, XG_VENUE_BANNED, NOW + 60000);
    const uint8_t route[] = {0, 1};
    xg__choice c = choose_new(route, 2, 0);
    assert_int_equal(c.venue, 1);
    assert_int_equal(c.n_skipped, 1);
    assert_int_equal(c.skipped[0].venue, 0);
    assert_string_equal(c.skipped[0].reason, "banned");
    assert_int_equal(c.skipped[0].until_mono_ms, NOW + 60000);
}

static void
test_all_banned_waits_only_if_the_deadline_allows(void **state)
{
    (void)state;
    set_state(0, XG_VENUE_BANNED, NOW + 3000);
    const uint8_t route[] = {0, 2};
    /* No deadline: it waits on the banned venue. */
    xg__choice c = choose_new(route, 2, 0);
    assert_int_equal(c.venue, 0);
    assert_true(c.is_waiting);
    assert_int_equal(c.until_mono_ms, NOW + 3000);
    assert_int_equal(c.n_skipped, 0);
    /* A deadline after the ban's end: it waits too. */
    c = choose_new(route, 2, NOW + 5000);
    assert_int_equal(c.venue, 0);
    assert_true(c.is_waiting);
    /* One before it: refused, naming the ban and its end. */
    c = choose_new(route, 2, NOW + 500);
    assert_int_equal(c.venue, -1);
    assert_int_equal(c.err, XG_ERR_NO_VENUE);
    assert_non_null(strstr(c.detail, "a banned until 1700000003000"));
    assert_non_null(strstr(c.detail, "not listed on c"));
}

static void
test_wait_goes_to_the_venue_back_first(void **state)
{
    (void)state;
    set_state(0, XG_VENUE_BANNED, NOW + 60000);
    set_state(1, XG_VENUE_DOWN, NOW + 250);
    const uint8_t route[] = {0, 1};
    xg__choice c = choose_new(route, 2, 0);
    assert_int_equal(c.venue, 1);
    assert_true(c.is_waiting);
    /* It lands on b, not the first venue: a was passed over. */
    assert_int_equal(c.n_skipped, 1);
    assert_int_equal(c.skipped[0].venue, 0);
}

static void
test_throttle_past_the_deadline_is_skipped(void **state)
{
    (void)state;
    set_state(0, XG_VENUE_THROTTLED, NOW + 2000);
    const uint8_t route[] = {0, 1};
    xg__choice c = choose_new(route, 2, NOW + 500);
    assert_int_equal(c.venue, 1);
    assert_string_equal(c.skipped[0].reason, "throttled");
    /* Nowhere else: the deadline cannot be met, and that is the answer. */
    const uint8_t only_a[] = {0};
    c = choose_new(only_a, 1, NOW + 500);
    assert_int_equal(c.venue, -1);
    assert_int_equal(c.err, XG_ERR_DEADLINE);
    assert_non_null(strstr(c.detail, "a throttled until 1700000002000"));
    /* A throttle that ends in time keeps the order where it is asked. */
    c = choose_new(route, 2, NOW + 5000);
    assert_int_equal(c.venue, 0);
    assert_int_equal(c.until_mono_ms, NOW + 2000);
    c = choose_new(route, 2, 0);
    assert_int_equal(c.venue, 0);
}

static void
test_filters_skip_and_answer_with_the_first_reason(void **state)
{
    (void)state;
    const uint8_t route[] = {2, 0};
    xg__choice c = choose_new(route, 2, 0);
    assert_int_equal(c.venue, 0);
    assert_string_equal(c.skipped[0].reason, "filters");
    const uint8_t only_c[] = {2};
    c = choose_new(only_c, 1, 0);
    assert_int_equal(c.venue, -1);
    assert_int_equal(c.err, XG_ERR_UNKNOWN_SYMBOL);
    /* Off the tick, not allowed to round: the venue's own reason. */
    order.price = (xg_decimal){300005, 3};
    c = choose_new(route, 2, 0);
    assert_int_equal(c.venue, -1);
    assert_int_equal(c.err, XG_ERR_UNKNOWN_SYMBOL);
    const uint8_t only_a[] = {0};
    c = choose_new(only_a, 1, 0);
    assert_int_equal(c.err, XG_ERR_PRECISION);
}

static void
test_leaving_a_venue_counts_it_passed_over(void **state)
{
    (void)state;
    set_state(0, XG_VENUE_BANNED, NOW + 60000);
    const uint8_t route[] = {0, 1};
    xg__choice c = choose(route, 2, 0, 0, "banned", NOW + 60000);
    assert_int_equal(c.venue, 1);
    assert_string_equal(c.skipped[0].reason, "banned");
    /* Nowhere else, no deadline: it stays, waiting for the ban's end. */
    set_state(1, XG_VENUE_BANNED, NOW + 90000);
    c = choose(route, 2, 0, 0, "banned", NOW + 60000);
    assert_int_equal(c.venue, 0);
    assert_true(c.is_waiting);
    /* Leaving because its deadline would pass: never back to it. */
    set_state(0, XG_VENUE_UP, 0);
    c = choose(route, 2, NOW + 500, 0, "deadline", NOW + 2000);
    assert_int_equal(c.venue, -1);
    assert_non_null(strstr(c.detail, "a deadline until"));
}

static void
test_a_starting_venue_keeps_a_leaving_order_waiting(void **state)
{
    (void)state;
    /* Right after a restart: d has not loaded its instruments; the order
     * leaving banned a waits there and is offered to d once it is UP. */
    set_state(0, XG_VENUE_BANNED, NOW + 60000);
    set_state(3, XG_VENUE_STARTING, 0);
    venues[3].n_instruments = 0;
    const uint8_t route[] = {0, 3};
    xg__choice c = choose(route, 2, NOW + 500, 0, "banned", NOW + 60000);
    assert_int_equal(c.venue, 0);
    assert_true(c.is_waiting);
    /* A new order cannot wait on nothing: refused, d starting. */
    c = choose_new(route + 1, 1, 0);
    assert_int_equal(c.venue, -1);
    assert_int_equal(c.err, XG_ERR_NO_VENUE);
    assert_non_null(strstr(c.detail, "d starting"));
    /* The same for one whose start-up failed (DOWN, no rules yet): the
     * chaos test met every venue so after a restart, and "not listed"
     * was the wrong answer. */
    set_state(3, XG_VENUE_DOWN, NOW + 250);
    c = choose_new(route + 1, 1, 0);
    assert_int_equal(c.err, XG_ERR_NO_VENUE);
    assert_string_equal(c.skipped[0].reason, "starting");
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_first_up_venue_takes_it),
        T(test_banned_first_venue_is_skipped_with_its_end),
        T(test_all_banned_waits_only_if_the_deadline_allows),
        T(test_wait_goes_to_the_venue_back_first),
        T(test_throttle_past_the_deadline_is_skipped),
        T(test_filters_skip_and_answer_with_the_first_reason),
        T(test_leaving_a_venue_counts_it_passed_over),
        T(test_a_starting_venue_keeps_a_leaving_order_waiting),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
