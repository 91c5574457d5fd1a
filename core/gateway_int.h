/*
 * gateway_int.h - the gateway's state, shared by gateway.c (loop and
 * strategy API) and router.c (placing orders and acting on outcomes).
 */
#ifndef XGATE_GATEWAY_INT_H
#define XGATE_GATEWAY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "gateway.h"
#include "journal.h"
#include "loader.h"
#include "orders.h"
#include "outbox.h"
#include "protocol.h"
#include "transport.h"
#include "venue.h"

#define XG_EVENT_MAX 8192

/* The loop's clock, read once per turn. */
typedef struct xg__now {
    int64_t mono_ms;
    int64_t wall_ms;
    int64_t wall_ns;
} xg__now;

struct xg__gateway {
    const xg__config *cfg;
    xg__plugins plugins;
    xg__venue venues[XG_MAX_VENUES];
    size_t n_venues;
    xg__orders *orders;
    xg__journal *journal; /* NULL when the config turns it off */
    uint32_t *dirty;      /* slots changed this turn (persist.c) */
    size_t n_dirty;
    size_t n_recovering; /* journal orders not yet reconciled */
    xg__transport *transport;
    void *zmq_ctx;
    void *router_sock; /* strategies' requests */
    void *pub_sock;    /* events */
    xg__outbox outbox; /* replies and events until the turn ends */
    xg__now now;
    int is_ready;
    int was_busy; /* the last poll found work: spin before sleeping */
    /* scratch, reused every request: never allocated on the order path */
    xg_http_request req;
    char event[XG_EVENT_MAX];
    /* instruments collected while an INSTRUMENTS answer is parsed */
    xg_instrument *ins_scratch;
    size_t n_ins_scratch, cap_ins_scratch;
    /* orders collected while an OPEN_ORDERS answer is parsed, and the
     * instruments a sweep round asks about (sweep.c) */
    xg_order_report *swept;
    size_t n_swept, cap_swept;
    uint8_t *sweep_marks;
    size_t cap_marks;
};

/* router.c */
void xg__router_pump(xg__gateway *gw, xg__venue *v);
void xg__router_on_done(void *ctx, void *user, uint64_t tag, xg__xfer_status st,
                        const xg_http_response *resp, const char *detail);
void xg__router_tick(xg__gateway *gw);
int64_t xg__router_next_wake_ms(const xg__gateway *gw);
/* Queue op for a recovered order on its venue (persist.c). */
void xg__router_recover(xg__gateway *gw, uint32_t slot, xg_op_kind op);
/* Queue op for the order in slot (XG_ORDER_NONE: a venue op) on v,
 * cancels and queries in the urgent queue, new orders in the normal one. */
void xg__router_push(xg__venue *v, uint32_t slot, xg_op_kind op, int front);
/* The order ends REJECTED with err and detail (and the venue's code and
 * text from res, if not NULL); the strategy is told. */
void xg__router_reject(xg__gateway *gw, xg__order_rec *r, uint32_t slot,
                       xg_err err, const char *detail, const xg_result *res);
/* The venue told us the order's state: record it and tell the strategy. */
void xg__router_apply_report(xg__gateway *gw, xg__venue *v, xg__order_rec *r,
                             uint32_t slot, const xg_order_report *rep);
/* A recovered order's state is settled by the venue's answer. */
void xg__router_settled(xg__gateway *gw, xg__order_rec *r);
/* Whether a queued op still has work to do for venue number `venue`. */
int xg__router_is_needed(const xg__order_rec *r, xg_op_kind op, int venue);
/* Requeue an operation that could not go this time, first in line. A new
 * order is requeued only when the venue did not execute it (refused
 * before execution, or never sent): it is PENDING again and the journal
 * records that this attempt is not on the venue. */
void xg__router_retry(xg__gateway *gw, xg__venue *v, uint32_t slot,
                      xg_op_kind op, xg__order_rec *r);
/* Pump every venue (after orders moved between them). */
void xg__router_pump_all(xg__gateway *gw);

/* placement.c */
/* Place a parsed new_order: choose its venue, take a slot, queue it.
 * Returns the reason for a reject (detail filled) or XG_OK. */
xg_err xg__place_new(xg__gateway *gw, const xg_msg *msg, uint32_t *slot,
                     char *detail, size_t detail_len);
/* Move an order that never executed on `from` to the next venue of its
 * route that can take it (new attempt, rerouted event), or reject it
 * with fail_err; left on `from` when fail_err is XG_OK or another venue
 * of its route is still starting (placement.c says when). */
void xg__place_elsewhere(xg__gateway *gw, xg__venue *from, xg__order_rec *r,
                         uint32_t slot, const char *reason, xg_err fail_err);
/* xg__place_elsewhere for every new order queued on v, in order; the
 * ones left on v keep their place in its queue. Returns how many moved. */
size_t xg__place_queued_elsewhere(xg__gateway *gw, xg__venue *v,
                                  const char *reason, xg_err fail_err);
/* Venue `up` can take orders now: the new orders waiting on banned or
 * unreachable venues move to it (or another venue that can take them) if
 * their route allows; the others keep waiting, never rejected for it.
 * Returns how many moved. */
size_t xg__place_waiting_elsewhere(xg__gateway *gw, const xg__venue *up);
/* Move the new orders queued on v whose deadline falls before ready_ms
 * (wall); returns how many moved. */
size_t xg__place_late_elsewhere(xg__gateway *gw, xg__venue *v,
                                int64_t ready_ms);

/* The venue's clock as we estimate it: local wall ms + measured offset. */
static inline int64_t
xg__venue_now_ms(const xg__gateway *gw, const xg__venue *v)
{
    return gw->now.wall_ms + v->offset_ms;
}

static inline size_t
xg__venue_index(const xg__gateway *gw, const xg__venue *v)
{
    return (size_t)(v - gw->venues);
}
xg_err xg__router_cancel(xg__gateway *gw, uint32_t slot, char *detail,
                         size_t detail_len);
void xg__router_order_view(const xg__gateway *gw, const xg__order_rec *r,
                           xg_order_view *view);

/* gateway.c: events */
void xg__gw_publish_order(xg__gateway *gw, const char *event,
                          const xg__order_rec *r);
void xg__gw_publish_venue(xg__gateway *gw, const xg__venue *v);
void xg__gw_publish_rerouted(xg__gateway *gw, const xg__order_rec *r,
                             const char *from, const char *to,
                             const char *reason, int64_t ban_until_ms);
void xg__gw_publish_wait(xg__gateway *gw, const xg__venue *v,
                         const xg__order_rec *r, int64_t wait_ms,
                         const char *reason);
void xg__gw_venue_view(const xg__gateway *gw, const xg__venue *v,
                       xg_venue_view *view, xg_bucket_view *buckets,
                       size_t cap);
void xg__gw_check_ready(xg__gateway *gw);

#endif
