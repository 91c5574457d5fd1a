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

#include <stdint.h>

#include "xgate/adapter.h"
#include "xgate/decimal.h"
#include "xgate/order.h"

typedef struct xg__lifecycle_step {
    xg_order_status status; /* the order's status after the report */
    xg_execution exec;      /* its executions after the report */
    const char *event;      /* the event that tells it, NULL for none */
} xg__lifecycle_step;

/* An order in status cur with executions cur_exec is reported in status
 * want with executions want_exec (NULL, or a zero fill: not told).
 * Reports that would break a rule change nothing they may not: a report
 * about a final order changes nothing, a smaller fill keeps the larger,
 * an open status never replaces a partial fill with none. The quote
 * amount and fee always describe the fill they came with: a larger fill
 * takes the report's (unknown where it did not say them), the same fill
 * takes what the report adds. */
xg__lifecycle_step xg__lifecycle_next(xg_order_status cur,
                                      const xg_execution *cur_exec,
                                      xg_order_status want,
                                      const xg_execution *want_exec);

/* Whether two executions have the same values in every field. */
int xg__execution_eq(const xg_execution *a, const xg_execution *b);

/* a's executions and then b's, as one (a replaced venue order's and its
 * replacement's): quantities and quote amounts add up; the fee adds up in
 * one currency, is the one said where only one says it, and is unknown
 * ({0,0}, "") when the two are in different currencies. XG_ERR_OVERFLOW
 * when a sum does not fit. */
xg_err xg__execution_add(const xg_execution *a, const xg_execution *b,
                         xg_execution *out);

/* How an amend of an order to price and qty goes to a venue that amends
 * as caps_amend says (XG_AMEND_* flags). */
typedef enum xg__amend_how {
    XG__AMEND_CANNOT = 0, /* the venue has no way to */
    XG__AMEND_NATIVE,     /* in place, same venue order */
    XG__AMEND_REPLACE     /* cancel-replace: a new venue order */
} xg__amend_how;

xg__amend_how xg__lifecycle_amend_how(uint32_t caps_amend, const xg_order *cur,
                                      xg_decimal price, xg_decimal qty);

/* NEW or PARTIALLY_FILLED: on the venue's book. */
int xg__lifecycle_is_open(xg_order_status st);

#endif
