/*
 * health.h - venue health (core-private; see health.c).
 */
#ifndef XGATE_HEALTH_H
#define XGATE_HEALTH_H

#include <stdint.h>

#include "gateway_int.h"

/* v starts: STARTING, with its server time and instruments asked for. */
void xg__health_start(xg__gateway *gw, xg__venue *v);

/* v cannot be reached (nothing was sent) or a start-up request failed:
 * DOWN for a back-off doubling from 250 ms to 30 s. The new order whose
 * request failed to leave (refused_slot, XG_ORDER_NONE: none), then every
 * new order queued on v, move to another venue of their route if one can
 * take them; the others keep their place. */
void xg__health_down(xg__gateway *gw, xg__venue *v, const char *why,
                     uint32_t refused_slot);

/* v asked us to wait wait_ms (0: its throttle_default_ms): THROTTLED,
 * unless it is banned or already throttled longer. New orders whose
 * deadline falls first move elsewhere. */
void xg__health_throttled(xg__gateway *gw, xg__venue *v, int64_t wait_ms,
                          const char *why);

/* If res is a rate limit or a ban, the venue waits or stops, the
 * operation (kind, about order r in slot, NULL for venue operations)
 * keeps its place, a new order refused by a ban moves elsewhere; returns
 * 1. Returns 0 for any other outcome, which is the operation's own. */
int xg__health_refused(xg__gateway *gw, xg__venue *v, xg__order_rec *r,
                       uint32_t slot, xg_op_kind kind, const xg_result *res);

/* The answer to one of v's own requests (server time, instruments): it
 * starts the venue or updates its clock, or says why not yet. */
void xg__health_venue_answer(xg__gateway *gw, xg__venue *v, xg_op_kind kind,
                             const xg_result *res);

/* v's throttle, ban or back-off ended by now: UP again (STARTING if it
 * never loaded its instruments), and orders waiting elsewhere for a venue
 * may move to it. Returns 1 if v changed state. */
int xg__health_expire(xg__gateway *gw, xg__venue *v);

#endif
