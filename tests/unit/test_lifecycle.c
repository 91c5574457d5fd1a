/*
 * test_lifecycle.c - the order lifecycle's rules (core/lifecycle.c): a
 * final status is final, the fill never decreases, quote amount and fee
 * travel with the fill they describe, and each change names the event
 * that tells it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lifecycle.h"

/* Executions of no fill, half and all of a quantity of 1: quote amount
 * and fee not said. */
static const xg_execution NONE = {{0, 0}, {0, 0}, {0, 0}, ""};
static const xg_execution HALF = {{5, 1}, {0, 0}, {0, 0}, ""};
static const xg_execution ONE = {{1, 0}, {0, 0}, {0, 0}, ""};
static const xg_execution SEVEN_TENTHS = {{7, 1}, {0, 0}, {0, 0}, ""};

static void
test_a_final_status_never_changes(void **state)
{
    (void)state;
    const xg_order_status finals[] = {XG_STATUS_FILLED, XG_STATUS_CANCELED,
                                      XG_STATUS_REJECTED, XG_STATUS_EXPIRED};
    const xg_order_status all[] = {
        XG_STATUS_PENDING,          XG_STATUS_SENT,    XG_STATUS_NEW,
        XG_STATUS_PARTIALLY_FILLED, XG_STATUS_FILLED,  XG_STATUS_CANCELED,
        XG_STATUS_REJECTED,         XG_STATUS_EXPIRED, XG_STATUS_UNKNOWN};
    for (size_t f = 0; f < 4; f++) {
        for (size_t w = 0; w < 9; w++) {
            xg__lifecycle_step s =
                xg__lifecycle_next(finals[f], &HALF, all[w], &ONE);
            assert_int_equal(s.status, finals[f]);
            assert_int_equal(xg_decimal_cmp(s.exec.filled_qty, HALF.filled_qty),
                             0);
            assert_null(s.event);
        }
    }
}

static void
test_fill_never_decreases_and_partial_stays_partial(void **state)
{
    (void)state;
    xg__lifecycle_step s = xg__lifecycle_next(
        XG_STATUS_PARTIALLY_FILLED, &HALF, XG_STATUS_PARTIALLY_FILLED, &NONE);
    assert_int_equal(xg_decimal_cmp(s.exec.filled_qty, HALF.filled_qty), 0);
    assert_null(s.event);
    /* A stale "NEW" after a partial fill changes nothing. */
    s = xg__lifecycle_next(XG_STATUS_PARTIALLY_FILLED, &HALF, XG_STATUS_NEW,
                           &NONE);
    assert_int_equal(s.status, XG_STATUS_PARTIALLY_FILLED);
    assert_null(s.event);
    /* More fill is news; a fill on "NEW" is a partial fill. */
    s = xg__lifecycle_next(XG_STATUS_NEW, &NONE, XG_STATUS_NEW, &HALF);
    assert_int_equal(s.status, XG_STATUS_PARTIALLY_FILLED);
    assert_string_equal(s.event, "partially_filled");
    s = xg__lifecycle_next(XG_STATUS_PARTIALLY_FILLED, &HALF,
                           XG_STATUS_PARTIALLY_FILLED, &SEVEN_TENTHS);
    assert_string_equal(s.event, "partially_filled");
    s = xg__lifecycle_next(XG_STATUS_PARTIALLY_FILLED, &HALF, XG_STATUS_FILLED,
                           &ONE);
    assert_int_equal(s.status, XG_STATUS_FILLED);
    assert_string_equal(s.event, "filled");
    /* A final report with no fill keeps the fill known. */
    s = xg__lifecycle_next(XG_STATUS_PARTIALLY_FILLED, &HALF,
                           XG_STATUS_CANCELED, &NONE);
    assert_int_equal(s.status, XG_STATUS_CANCELED);
    assert_int_equal(xg_decimal_cmp(s.exec.filled_qty, HALF.filled_qty), 0);
    assert_string_equal(s.event, "canceled");
}

static void
test_unknown_only_from_a_request_in_flight(void **state)
{
    (void)state;
    xg__lifecycle_step s =
        xg__lifecycle_next(XG_STATUS_SENT, &NONE, XG_STATUS_UNKNOWN, &NONE);
    assert_int_equal(s.status, XG_STATUS_UNKNOWN);
    assert_string_equal(s.event, "unknown");
    /* An open order stays what the venue said until it says otherwise
     * (a cancel the venue no longer knows is answered by a query). */
    s = xg__lifecycle_next(XG_STATUS_NEW, &NONE, XG_STATUS_UNKNOWN, &NONE);
    assert_int_equal(s.status, XG_STATUS_NEW);
    assert_null(s.event);
    s = xg__lifecycle_next(XG_STATUS_UNKNOWN, &NONE, XG_STATUS_NEW, &NONE);
    assert_int_equal(s.status, XG_STATUS_NEW);
    assert_string_equal(s.event, "acked");
}

static void
test_gateway_steps_are_silent(void **state)
{
    (void)state;
    xg__lifecycle_step s =
        xg__lifecycle_next(XG_STATUS_PENDING, &NONE, XG_STATUS_SENT, &NONE);
    assert_int_equal(s.status, XG_STATUS_SENT);
    assert_null(s.event);
    s = xg__lifecycle_next(XG_STATUS_SENT, &NONE, XG_STATUS_PENDING, &NONE);
    assert_int_equal(s.status, XG_STATUS_PENDING);
    assert_null(s.event);
    /* An acknowledged order is never due again. */
    s = xg__lifecycle_next(XG_STATUS_NEW, &NONE, XG_STATUS_PENDING, &NONE);
    assert_int_equal(s.status, XG_STATUS_NEW);
    s = xg__lifecycle_next(XG_STATUS_NEW, &NONE, XG_STATUS_SENT, &NONE);
    assert_int_equal(s.status, XG_STATUS_NEW);
    /* Withdrawn before it left, refused by the gateway: final. */
    s = xg__lifecycle_next(XG_STATUS_PENDING, &NONE, XG_STATUS_CANCELED, &NONE);
    assert_string_equal(s.event, "canceled");
    s = xg__lifecycle_next(XG_STATUS_PENDING, &NONE, XG_STATUS_REJECTED, &NONE);
    assert_string_equal(s.event, "rejected");
}

/* The quote amount and fee describe the fill they came with: a larger
 * fill takes the report's, unknown where it says none; the same fill
 * takes what the report adds; a smaller or empty one changes nothing. */
static void
test_quote_and_fee_travel_with_their_fill(void **state)
{
    (void)state;
    const xg_execution first = {{4, 3}, {140002, 4}, {4, 6}, "BTC"};
    const xg_execution more_without = {{10, 3}, {350005, 4}, {0, 0}, ""};
    const xg_execution same_with_fee = {{10, 3}, {0, 0}, {1, 5}, "BTC"};
    const xg_execution older = {{2, 3}, {7, 0}, {9, 6}, "USDT"};

    xg__lifecycle_step s =
        xg__lifecycle_next(XG_STATUS_NEW, &NONE, XG_STATUS_NEW, &first);
    assert_true(xg__execution_eq(&s.exec, &first));
    assert_string_equal(s.event, "partially_filled");

    /* More filled, no fee said (Binance's order query): the fee of the
     * smaller fill is not passed off as the larger's. */
    s = xg__lifecycle_next(XG_STATUS_PARTIALLY_FILLED, &first, XG_STATUS_FILLED,
                           &more_without);
    assert_true(xg__execution_eq(&s.exec, &more_without));
    assert_false(xg_execution_has_fee(&s.exec));
    assert_string_equal(s.event, "filled");

    /* The same fill with its fee: the fee is added, the quote kept. */
    s = xg__lifecycle_next(XG_STATUS_PARTIALLY_FILLED, &more_without,
                           XG_STATUS_PARTIALLY_FILLED, &same_with_fee);
    assert_int_equal(
        xg_decimal_cmp(s.exec.filled_quote, (xg_decimal){350005, 4}), 0);
    assert_int_equal(xg_decimal_cmp(s.exec.fee, (xg_decimal){1, 5}), 0);
    assert_string_equal(s.exec.fee_currency, "BTC");
    assert_null(s.event); /* no more filled: no event of its own */

    /* An older report changes nothing. */
    s = xg__lifecycle_next(XG_STATUS_PARTIALLY_FILLED, &first,
                           XG_STATUS_PARTIALLY_FILLED, &older);
    assert_true(xg__execution_eq(&s.exec, &first));
    s = xg__lifecycle_next(XG_STATUS_PARTIALLY_FILLED, &first,
                           XG_STATUS_CANCELED, NULL);
    assert_true(xg__execution_eq(&s.exec, &first));
    assert_int_equal(s.status, XG_STATUS_CANCELED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_final_status_never_changes),
        cmocka_unit_test(test_fill_never_decreases_and_partial_stays_partial),
        cmocka_unit_test(test_unknown_only_from_a_request_in_flight),
        cmocka_unit_test(test_gateway_steps_are_silent),
        cmocka_unit_test(test_quote_and_fee_travel_with_their_fill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
