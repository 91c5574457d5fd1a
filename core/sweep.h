/*
 * sweep.h - the open-orders sweep (core-private; see sweep.c).
 */
#ifndef XGATE_SWEEP_H
#define XGATE_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

/* When v's next round is due (monotonic ms), 0 when none is planned. */
int64_t xg__sweep_due_ms(const xg__venue *v);

/* Queue a round on v if one is due: an OPEN_ORDERS request per symbol
 * with open orders. */
void xg__sweep_start(xg__state *st, xg__venue *v);

/* The instrument a queued OPEN_ORDERS entry names, or NULL when the list
 * changed since. */
const xg_instrument *xg__sweep_instrument(const xg__venue *v, uint32_t index);

/* Apply the venue's reports reps (n, sorted here) about orders of v on
 * ins to the orders they name: an open-orders page, or the orders a mass
 * cancel canceled. */
void xg__sweep_match(xg__state *st, xg__venue *v, const xg_instrument *ins,
                     xg_order_report *reps, size_t n);

/* The cursor of the next page to ask for the symbol `index` of v, or
 * NULL for its first page. */
const char *xg__sweep_cursor(const xg__venue *v, uint32_t index);

/* An OPEN_ORDERS answer (one page) for instrument `index` of v, listing
 * the n reports in reps (sorted here; borrowed), after the venue-level
 * outcomes (limits, bans) were handled. Queues the next page when there
 * is one. */
void xg__sweep_answered(xg__state *st, xg__venue *v, uint32_t index,
                        const xg_result *res, xg_order_report *reps, size_t n);

/* The symbol `index` of v is done with this round: read out, or its
 * request ended without a list. */
void xg__sweep_dropped(xg__venue *v, uint32_t index);

#endif
