/*
 * lifecycle.h - the order lifecycle of docs/protocol.md as a pure
 * function (core-private): what a status the gateway or a venue reports
 * does to an order, and which event tells the strategy.
 *
 * Every change of an order's status or fill goes through it (act.c), so
 * the rules hold whatever reported the change: a final status is final,
 * the cumulative fill never decreases, an open order never goes back to
 * a state before it was acknowledged.
 */
#ifndef XGATE_LIFECYCLE_H
#define XGATE_LIFECYCLE_H

#include "xgate/decimal.h"
#include "xgate/order.h"

typedef struct xg__lifecycle_step {
    xg_order_status status; /* the order's status after the report */
    xg_decimal filled_qty;  /* its cumulative fill after the report */
    const char *event;      /* the event that tells it, NULL for none */
} xg__lifecycle_step;

/* An order in status cur with cumulative fill cur_fill is reported in
 * status want with fill want_fill (a zero fill: none, or not told).
 * Reports that would break a rule change nothing they may not: a report
 * about a final order changes nothing, a smaller fill keeps the larger,
 * an open status never replaces a partial fill with none. */
xg__lifecycle_step xg__lifecycle_next(xg_order_status cur, xg_decimal cur_fill,
                                      xg_order_status want,
                                      xg_decimal want_fill);

/* NEW or PARTIALLY_FILLED: on the venue's book. */
int xg__lifecycle_is_open(xg_order_status st);

#endif
