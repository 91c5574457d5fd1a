/*
 * fills.h - every fill of an order told to its strategy exactly once
 * (core-private).
 *
 * A fill comes from the venue's private stream (stream.c) or, when the
 * stream did not tell it, from the venue's list of the order's fills
 * (XG_OP_ORDER_FILLS). Either way it is noted by its (venue, trade id),
 * journaled and told as a `fill` event; told before, it is left out.
 *
 * When an order's reports count more filled than its told fills add up
 * to, act.c sets a check on st->fill_checks (at once when the stream is
 * not live, after a grace when it is). A check that finds the gap still
 * open queues ORDER_FILLS under the reconciliation share; the answer's
 * fills are told, a longer list is followed page by page, and a list
 * that leaves the gap open is asked again a few times, later each time,
 * then given up with a warning (a replaced venue order's fills are not
 * in its replacement's list).
 */
#ifndef XGATE_FILLS_H
#define XGATE_FILLS_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "xgate/adapter.h"

/* Tell fill f of the order in slot, held by venue v: 1 told now, 0 told
 * before (left out), -1 not told (a fill the journal would refuse, or
 * no memory; logged). `source` names where it came from, for the log. */
int xg__fills_tell(xg__state *st, xg__venue *v, uint32_t slot, const xg_fill *f,
                   const char *source);

/* Act on the checks that came due by st->now. */
void xg__fills_timers(xg__state *st);

/* The cursor of the next page of the fills list of the order in slot on
 * v, or NULL for its first. */
const char *xg__fills_cursor(const xg__venue *v, uint32_t slot);

/* v answered ORDER_FILLS for the order in slot, r, with res (not a limit
 * or a ban) and, if res is OK, the n fills in fills (reordered here). */
void xg__fills_answered(xg__state *st, xg__venue *v, uint32_t slot,
                        xg__order_rec *r, const xg_result *res, xg_fill *fills,
                        size_t n);

/* The fills list of the order in slot on v is not read on (its entry was
 * dropped, or its order ended): a later one starts at its first page. */
void xg__fills_dropped(xg__venue *v, uint32_t slot);

#endif
