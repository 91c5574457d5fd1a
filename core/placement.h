/*
 * placement.h - which venue of an order's route takes it, as a pure
 * function (core-private).
 *
 * The chooser looks at the route in preference order and at each venue's
 * state, instrument rules and expected return, and names the venue, the
 * venues it passed over and why, or the reason none can take the order.
 * It changes nothing: routing.c carries the choice out (queues, journals,
 * publishes). One rule for every caller, whether a new order is placed or
 * a queued one must leave its venue:
 *
 *  - the first venue of the route that lists the symbol, fits the order
 *    and is UP, or THROTTLED with a wait that ends before the order's
 *    deadline, takes it;
 *  - otherwise, if a venue that is BANNED or DOWN will be back before the
 *    deadline (any time, for an order without one), the order waits on
 *    the one back first; an order leaving its venue while another venue
 *    of its route has not started yet (its rules unknown: it can neither
 *    take nor hold an order) waits where it is, to be offered to that
 *    venue when it is UP;
 *  - otherwise nothing takes it: the reason is the first venue's.
 */
#ifndef XGATE_PLACEMENT_H
#define XGATE_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "venue.h"
#include "xgate/order.h"

/* A venue passed over: index, reason ("banned", "down", "throttled",
 * "deadline", "filters", "starting"), and when it is expected back
 * (monotonic ms, 0 if not known or never). */
typedef struct xg__skip {
    uint8_t venue;
    const char *reason;
    int64_t until_mono_ms;
} xg__skip;

/* What the chooser is asked. */
typedef struct xg__want {
    const xg_order *order; /* as the strategy sent it */
    const uint8_t *route;  /* venue indices, preference order */
    size_t n_route;
    int is_requantize;        /* may round to a venue's steps */
    int64_t deadline_mono_ms; /* must be sent by then; 0: no deadline */
    /* The venue the order is leaving (-1: none, a new order), why, and
     * when it could send the order at the earliest (0: not known): it
     * counts as passed over for that reason, and is a place to wait only
     * when that time is before the deadline. */
    int from;
    const char *from_reason;
    int64_t from_ready_mono_ms;
} xg__want;

typedef struct xg__choice {
    int venue;             /* where the order goes; -1: nowhere */
    int is_waiting;        /* it waits there: no venue can send it now */
    int64_t until_mono_ms; /* when that venue is expected to send, if it
                              is not UP; 0 if UP or not known */
    xg_order placed;       /* the order as that venue takes it */
    xg__skip skipped[XG_MAX_ROUTE]; /* in route order, before `venue` */
    size_t n_skipped;
    xg_err err; /* venue < 0: the first venue's reason */
    char detail[XG_DETAIL_MAX];
} xg__choice;

/* Choose for w among venues (the gateway's, indexed by w->route) at the
 * loop's clock now_* (detail names epoch ms). */
void xg__placement_choose(const xg__venue *venues, const xg__want *w,
                          int64_t now_mono_ms, int64_t now_wall_ms,
                          xg__choice *out);

#endif
