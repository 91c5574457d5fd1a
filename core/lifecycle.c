/*
 * lifecycle.c - the order lifecycle's rules (see lifecycle.h).
 *
 *  PENDING -> SENT -> NEW -> PARTIALLY_FILLED -> FILLED / CANCELED / EXPIRED
 *     |        |--> UNKNOWN --(venue answers)--> any state after SENT,
 *     |        |                                 or PENDING (never got it)
 *     |        |--> PENDING (refused before execution: due again)
 *     |        +--> REJECTED / FILLED / CANCELED / EXPIRED
 *     +--> REJECTED (router) / CANCELED (withdrawn before sending)
 */
#include "lifecycle.h"

#include <string.h>

int
xg__lifecycle_is_open(xg_order_status st)
{
    return st == XG_STATUS_NEW || st == XG_STATUS_PARTIALLY_FILLED;
}

static const char *
event_of(xg_order_status st)
{
    switch (st) {
    case XG_STATUS_NEW:
        return "acked";
    case XG_STATUS_PARTIALLY_FILLED:
        return "partially_filled";
    case XG_STATUS_FILLED:
        return "filled";
    case XG_STATUS_CANCELED:
        return "canceled";
    case XG_STATUS_EXPIRED:
        return "expired";
    case XG_STATUS_REJECTED:
        return "rejected";
    case XG_STATUS_UNKNOWN:
        return "unknown";
    case XG_STATUS_PENDING:
    case XG_STATUS_SENT:
        break;
    }
    return NULL; /* the gateway's own steps are not events */
}

/* Whether an order in cur may be reported in want (both not final). */
static int
may_become(xg_order_status cur, xg_order_status want)
{
    switch (want) {
    case XG_STATUS_PENDING:
        /* Due again: refused before execution, moved, or the venue
         * confirmed it never got it. */
        return cur == XG_STATUS_PENDING || cur == XG_STATUS_SENT ||
               cur == XG_STATUS_UNKNOWN;
    case XG_STATUS_SENT:
        return cur == XG_STATUS_PENDING;
    case XG_STATUS_UNKNOWN:
        /* Only a request in flight can have an unknown outcome; an open
         * order stays what the venue said until it says otherwise. */
        return cur == XG_STATUS_SENT || cur == XG_STATUS_UNKNOWN ||
               cur == XG_STATUS_PENDING;
    case XG_STATUS_NEW:
        return cur != XG_STATUS_PARTIALLY_FILLED;
    default:
        return 1; /* partial fills and final statuses: from any */
    }
}

int
xg__execution_eq(const xg_execution *a, const xg_execution *b)
{
    return xg_decimal_cmp(a->filled_qty, b->filled_qty) == 0 &&
           xg_decimal_cmp(a->filled_quote, b->filled_quote) == 0 &&
           xg_decimal_cmp(a->fee, b->fee) == 0 &&
           strcmp(a->fee_currency, b->fee_currency) == 0;
}

/* The executions after a report (see lifecycle.h). */
static xg_execution
merge_exec(const xg_execution *cur, const xg_execution *want)
{
    xg_execution e = *cur;
    if (want == NULL || want->filled_qty.units == 0) {
        return e;
    }
    int c = xg_decimal_cmp(want->filled_qty, cur->filled_qty);
    if (c > 0) {
        return *want;
    }
    if (c == 0) {
        if (want->filled_quote.units != 0) {
            e.filled_quote = want->filled_quote;
        }
        if (xg_execution_has_fee(want)) {
            e.fee = want->fee;
            memcpy(e.fee_currency, want->fee_currency, sizeof e.fee_currency);
        }
    }
    return e;
}

xg__lifecycle_step
xg__lifecycle_next(xg_order_status cur, const xg_execution *cur_exec,
                   xg_order_status want, const xg_execution *want_exec)
{
    xg__lifecycle_step s = {cur, *cur_exec, NULL};
    if (xg_order_status_is_final(cur)) {
        return s;
    }
    s.exec = merge_exec(cur_exec, want_exec);
    int is_more_filled =
        xg_decimal_cmp(s.exec.filled_qty, cur_exec->filled_qty) > 0;
    /* A fill on an order the venue still calls NEW is a partial fill. */
    if (want == XG_STATUS_NEW && s.exec.filled_qty.units != 0) {
        want = XG_STATUS_PARTIALLY_FILLED;
    }
    if (may_become(cur, want)) {
        s.status = want;
    }
    if (s.status != cur ||
        (is_more_filled && xg__lifecycle_is_open(s.status))) {
        s.event = event_of(s.status);
    }
    return s;
}

xg_err
xg__execution_add(const xg_execution *a, const xg_execution *b,
                  xg_execution *out)
{
    xg_execution sum;
    memset(&sum, 0, sizeof sum);
    xg_err e = xg_decimal_add(a->filled_qty, b->filled_qty, &sum.filled_qty);
    if (e == XG_OK) {
        e = xg_decimal_add(a->filled_quote, b->filled_quote, &sum.filled_quote);
    }
    if (e != XG_OK) {
        return e;
    }
    int has_a = xg_execution_has_fee(a);
    int has_b = xg_execution_has_fee(b);
    if (has_a && has_b &&
        strcmp(a->fee_currency, b->fee_currency) == 0) {
        e = xg_decimal_add(a->fee, b->fee, &sum.fee);
        memcpy(sum.fee_currency, a->fee_currency, sizeof sum.fee_currency);
    } else if (has_a != has_b) {
        const xg_execution *one = has_a ? a : b;
        sum.fee = one->fee;
        memcpy(sum.fee_currency, one->fee_currency, sizeof sum.fee_currency);
    }
    if (e == XG_OK) {
        *out = sum;
    }
    return e;
}

xg__amend_how
xg__lifecycle_amend_how(uint32_t caps_amend, const xg_order *cur,
                        xg_decimal price, xg_decimal qty)
{
    if (caps_amend & XG_AMEND_NATIVE) {
        return XG__AMEND_NATIVE;
    }
    /* Only a smaller quantity at the same price keeps the order's place
     * in the queue, which is all such a venue amends in place. */
    if ((caps_amend & XG_AMEND_NATIVE_REDUCE) &&
        xg_decimal_cmp(price, cur->price) == 0 &&
        xg_decimal_cmp(qty, cur->qty) < 0) {
        return XG__AMEND_NATIVE;
    }
    return (caps_amend & XG_AMEND_REPLACE) ? XG__AMEND_REPLACE
                                           : XG__AMEND_CANNOT;
}
