/*
 * routing.h - where orders go (core-private): a new order's venue, and
 * moving orders that never executed when their venue cannot send them
 * in time (banned, down, throttled or rate-limited past their deadline),
 * carrying out venue health steps, and deadlines.
 *
 * The choice itself is placement.c's and the venue state machine is
 * health.c's; both are pure. This module carries their answers out: it
 * changes where an order is queued, journals the new attempt, and tells
 * the strategy (rerouted, rate_limit_wait, rejected). Moving an order is
 * safe only because every caller hands over orders the venue refused or
 * never saw. Calls go down only: to act.c and the event sink.
 */
#ifndef XGATE_ROUTING_H
#define XGATE_ROUTING_H

#include <stdint.h>

#include "health.h"
#include "placement.h"
#include "state.h"

/* What placing a new order of the strategy's asks of the chooser, at the
 * loop's clock. route/n_route are borrowed for the choice. */
xg__want xg__routing_new_want(const xg__state *st, const xg_order *o,
                              const uint8_t *route, size_t n_route,
                              int is_requantize, int64_t deadline_ms);

/* The order in slot (fresh from xg__orders_add, with its order, route,
 * requantize flag, asked quantity and price, and deadline filled in) is
 * accepted as c chose: placed on c->venue and queued. */
void xg__routing_accept(xg__state *st, uint32_t slot, const xg__choice *c);

/* Tell the strategy what xg__routing_accept decided beyond the reply:
 * rerouted when the order skipped the first venue of its route, and
 * rate_limit_wait when it waits. */
void xg__routing_announce(xg__state *st, uint32_t slot, const xg__choice *c);

/* v cannot send new orders before ready_mono_ms: every new order queued
 * there whose deadline falls earlier moves for reason ("deadline": the
 * limiter; "throttled": a 429), the others are told they wait. */
void xg__routing_late(xg__state *st, xg__venue *v, int64_t ready_mono_ms,
                      const char *reason);

/* ev happened to v: its health changes as health.c says, the strategies
 * are told (the venue's change, and cancel_waiting for its queued
 * cancels when it stops), and its queued new orders move or are told
 * they wait. When v becomes UP, orders waiting on banned or down venues
 * are offered to it. */
void xg__routing_venue(xg__state *st, xg__venue *v, const xg__health_event *ev);

/* Orders whose deadline has passed while still not sent are rejected
 * with DEADLINE: never sent late. */
void xg__routing_deadlines(xg__state *st);

#endif
