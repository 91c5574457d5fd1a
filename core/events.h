/*
 * events.h - what the gateway tells strategies without being asked: order
 * events, reroutes, waits, venue changes (core-private).
 *
 * The sink below every module that changes an order or a venue: each call
 * encodes one event and hands it to the outbox, which sends it after the
 * turn's journal commit. Publishing never calls anything back, so any
 * module may publish from anywhere without re-entering another.
 */
#ifndef XGATE_EVENTS_H
#define XGATE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "outbox.h"
#include "protocol.h"

#define XG_START_ID_LEN 16 /* hex characters */
#define XG_EVENT_MAX    8192

typedef struct xg__events {
    xg__outbox *outbox; /* borrowed for the events' life */
    char start_id[XG_START_ID_LEN + 1];
    char buf[XG_EVENT_MAX]; /* one event being encoded */
} xg__events;

/* start_id: this process's (XG_START_ID_LEN hex characters, copied). */
void xg__events_init(xg__events *ev, xg__outbox *outbox, const char *start_id);

/* An order event ("acked", "filled", "cancel_waiting", ...) on topic
 * order.<strategy>. */
void xg__events_order(xg__events *ev, const char *event,
                      const xg_order_view *view, int64_t ts_ms);

/* A fill event (one trade of the order, view as it stands after it) on
 * topic order.<strategy>. */
void xg__events_fill(xg__events *ev, const xg_fill *fill,
                     const xg_order_view *view, int64_t ts_ms);

/* A rerouted event for order o on order.<strategy>. */
void xg__events_rerouted(xg__events *ev, const xg_order *o,
                         const xg_reroute_view *r, int64_t ts_ms);

/* A rate_limit_wait event: o waits about wait_ms on venue for reason. */
void xg__events_wait(xg__events *ev, const char *venue, const xg_order *o,
                     int64_t wait_ms, const char *reason, int64_t ts_ms);

/* A venue event on topic "venue". */
void xg__events_venue(xg__events *ev, const xg_venue_view *view, int64_t ts_ms);

/* The answer to a hello request, on order.<strategy>: it proves to the
 * strategy that its subscription is live. */
void xg__events_hello(xg__events *ev, const char *strategy, const char *req_id,
                      int64_t ts_ms);

/* gateway_started on topic "gateway", once the gateway is ready. */
void xg__events_started(xg__events *ev, int64_t ts_ms);

/* A venue's balances as it just told them (topic "balances"). */
void xg__events_balances(xg__events *ev, const char *venue,
                         const xg_balance *assets, size_t n, int64_t ts_ms);

#endif
