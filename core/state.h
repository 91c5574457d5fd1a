/*
 * state.h - what the gateway knows, shared by the modules that decide and
 * act on it (core-private): venues, orders, the loop's clock, the journal
 * staging, the event sink, the deadlines, and the marks of work found
 * during a turn.
 *
 * Work discovered deep in a call ("this venue can send again") is never
 * done by calling back up: it is marked here (xg__state_mark) and drained
 * once per loop turn by sender.c, before the journal commit. Modules take
 * an xg__state and call only modules below them (docs/architecture.md
 * draws the direction).
 */
#ifndef XGATE_STATE_H
#define XGATE_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "deadlines.h"
#include "events.h"
#include "orders.h"
#include "persist.h"
#include "venue.h"

/* The loop's clock, read once per turn. */
typedef struct xg__now {
    int64_t mono_ms;
    int64_t wall_ms;
    int64_t wall_ns;
} xg__now;

struct xg__share;

typedef struct xg__state {
    const xg__config *cfg;
    xg__venue venues[XG_MAX_VENUES];
    size_t n_venues;
    xg__orders *orders;
    xg__now now;
    xg__events events;
    xg__persist persist;
    xg__deadlines deadlines;
    /* When orders whose fills are untold are looked at again (fills.c):
     * (local wall ms, slot), pushed by act.c. */
    xg__deadlines fill_checks;
    uint32_t pump_marks; /* venues with work to try: bit per venue index */
    size_t n_recovering; /* journal orders not yet reconciled */
    struct xg__share *share; /* limits shared with other gateways (share.h) */
} xg__state;

/* Venue v may have something to send: sender.c tries it this turn. */
static inline void
xg__state_mark(xg__state *st, const xg__venue *v)
{
    st->pump_marks |= 1u << (unsigned)(v - st->venues);
}

static inline size_t
xg__state_venue_index(const xg__state *st, const xg__venue *v)
{
    return (size_t)(v - st->venues);
}

/* The venue's clock as we estimate it: local wall ms + measured offset. */
static inline int64_t
xg__state_venue_now_ms(const xg__state *st, const xg__venue *v)
{
    return st->now.wall_ms + v->offset_ms;
}

/* The same in ns: the axis v's limiter runs on. */
static inline int64_t
xg__state_venue_now_ns(const xg__state *st, const xg__venue *v)
{
    return st->now.wall_ns + v->offset_ms * 1000000;
}

/* The index of the venue configured as name, -1 if none is. */
static inline int
xg__state_venue_by_name(const xg__state *st, const char *name)
{
    for (size_t i = 0; i < st->n_venues; i++) {
        if (strcmp(st->venues[i].cfg->name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* The name of the venue holding r, "" for none. */
static inline const char *
xg__state_venue_name(const xg__state *st, const xg__order_rec *r)
{
    return r->venue >= 0 ? st->venues[r->venue].cfg->name : "";
}

#endif
