/*
 * orders.h - the gateway's table of orders.
 *
 * A fixed pool sized at start-up (config max_orders) with indexes by the
 * strategy's client order id and by the gateway id. Records are referred to by
 * their slot number and serial, which travel with a request through the
 * transport, so a completion finds its order without a lookup (and never
 * another order that took the slot since). When the pool is full the oldest
 * finished order is forgotten; open orders never are.
 */
#ifndef XGATE_ORDERS_H
#define XGATE_ORDERS_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "xgate/adapter.h"
#include "xgate/order.h"

#define XG_ORDER_NONE   UINT32_MAX
#define XG_GW_ID_LEN    16 /* letters and digits; + 1 attempt digit on venues */
#define XG_MAX_ATTEMPTS 35 /* attempt digits 1-9, a-z */

/* xg__order_rec.amend_in_doubt: the amend's answer was lost (the next
 * report of the order settles it), or, for a cancel-replace under a new
 * client id whose replaced order reads CANCELED, the replacement is being
 * asked for. */
#define XG_AMEND_ANSWER_LOST      1
#define XG_AMEND_SEEK_REPLACEMENT 2

typedef struct xg__order_rec {
    xg_order order;               /* order.client_id: the strategy's key */
    char gw_id[XG_GW_ID_LEN + 1]; /* gateway id, unique across restarts */
    char venue_client_id[XG_CLIENT_ID_MAX]; /* gw_id + attempt digit */
    char venue_order_id[XG_VENUE_ORDER_ID_MAX];
    int venue;       /* index of the venue holding or trying it; -1 none */
    uint8_t attempt; /* venue attempts so far */
    xg_order_status status;
    xg_execution exec; /* cumulative fills, quote amount, fee */
    /* why it failed, for the strategy */
    xg_err err;
    char detail[XG_DETAIL_MAX];
    char venue_code[XG_VENUE_CODE_MAX];
    char venue_msg[XG_VENUE_MSG_MAX];
    /* routing */
    uint8_t route[XG_MAX_ROUTE]; /* venue indices, in preference order */
    uint8_t n_route;
    uint8_t is_requantize;
    xg_decimal asked_qty, asked_price; /* as the strategy sent them, for
                                          re-quantising on another venue */
    int64_t deadline_ms;               /* local wall ms; 0 none */
    /* The order's operations queued and in flight, bit (1 << xg_op_kind):
     * an order has at most one entry per operation in all of its venue's
     * queues, and at most one request per operation in flight. */
    uint16_t queued;
    uint16_t in_flight;
    /* flags */
    uint8_t cancel_requested;    /* cancel as soon as the venue allows */
    /* A cancel's answer was lost: it may have been executed, so no other
     * cancel goes until the query that follows says the order is still
     * open (a list or a push older than that cancel could say so too). */
    uint8_t cancel_in_doubt;
    uint8_t cancel_waiting_told; /* a cancel_waiting event was sent */
    uint8_t wait_told;           /* a rate_limit_wait event was sent for the
                                    current attempt */
    uint8_t resynced;            /* one clock resync already spent */
    uint8_t needs_query;         /* acked without a state: ask the venue */
    uint8_t is_dirty;            /* changed this turn, not yet journaled */
    uint8_t recovering;          /* loaded from the journal, not yet settled */
    uint8_t attempt_known;       /* journal knows the venue holds it */
    /* A strategy's amend (act.c), from the request until the venue's
     * answer or a report settles it: the price and total quantity asked,
     * whether it goes as a cancel-replace, and whether its answer was
     * lost (the next report of the order says whether it took effect). */
    uint8_t amend_requested;
    uint8_t amend_is_replace;
    uint8_t amend_in_doubt; /* 0, XG_AMEND_ANSWER_LOST or _SEEK_REPLACEMENT */
    xg_decimal amend_price, amend_qty;
    /* What the venue orders this one replaced executed, which the current
     * venue order's own reports do not count (a cancel-replace's new
     * order starts from nothing): every report adds it. */
    xg_execution replaced_exec;
    /* The venue's sweep round current when the order was last known open
     * (act.c): a round sent later must list it, or it was closed. */
    uint32_t open_round;
    /* The round whose list last showed it (sweep.c): with a list read
     * page by page, absence is judged only after the last page. */
    uint32_t seen_round;
    /* Which use of the slot this is: queue entries carry it, so an entry
     * left behind by a finished order never acts on the slot's next. */
    uint32_t serial;
    /* The fills the strategy was told of (xg__orders_note_fill), in the
     * order told: the ends of the order's chain in the table's fill pool,
     * 0 for none. */
    uint32_t fills_head, fills_tail;
    /* What those fills add up to: below exec.filled_qty, a fill is still
     * to be told (fills.c). */
    xg_decimal fills_qty;
    uint8_t fill_check_due; /* an entry of st->fill_checks names it */
    uint8_t fill_lists;     /* fills lists read that left a fill untold */
    uint8_t in_use;
} xg__order_rec;

typedef struct xg__orders xg__orders;

/* Whether r's reports count more filled than its told fills add up to:
 * a fill is still to be told (fills.h). */
static inline int
xg__orders_fills_owed(const xg__order_rec *r)
{
    return xg_decimal_cmp(r->exec.filled_qty, r->fills_qty) > 0;
}

/* boot_ms seeds gateway ids (wall clock ms at start); ids stay unique
 * across restarts as long as restarts are > 1 ms apart and the clock does
 * not go back. Given: xg__orders_destroy. */
xg__orders *xg__orders_new(size_t capacity, int64_t boot_ms);
void xg__orders_destroy(xg__orders **o);

/* Take a free record for client_id (copied into order.client_id by the
 * caller), assigning a fresh gateway id. XG_ERR_DUPLICATE_ID if the id is
 * known, XG_ERR_BUSY if the pool is full of open orders. */
xg_err xg__orders_add(xg__orders *o, const char *client_id, uint32_t *slot);

/* Take a record for an order loaded from the journal, keeping its
 * gateway id. Same errors as xg__orders_add. */
xg_err xg__orders_restore(xg__orders *o, const char *client_id,
                          const char *gw_id, uint32_t *slot);

/* The slot of the order with this strategy client id, or with this
 * gateway id; XG_ORDER_NONE if none. */
uint32_t xg__orders_find(const xg__orders *o, const char *client_id);
uint32_t xg__orders_find_gw(const xg__orders *o, const char *gw_id);
xg__order_rec *xg__orders_get(xg__orders *o, uint32_t slot);

/* Whether fill f of the order in slot, on venue index `venue`, is new by
 * its trade id: 1 (now noted, its quantity added to fills_qty), 0 (noted
 * before: the strategy was told of it), -1 out of memory. An order's
 * fills are forgotten with it. A venue's trade ids are unique within a
 * symbol, and an order has one. */
int xg__orders_note_fill(xg__orders *o, uint32_t slot, int venue,
                         const xg_fill *f);

/* The order's noted fills in the order they were noted: a handle to the
 * first (0: none), the one after a handle (0: no more), and the fill a
 * handle names. A handle is good until the table changes. */
uint32_t xg__orders_fills_first(const xg__orders *o, uint32_t slot);
uint32_t xg__orders_fills_next(const xg__orders *o, uint32_t at);
const xg_fill *xg__orders_fill(const xg__orders *o, uint32_t at);

/* Note that the record reached a final state; it may be forgotten later
 * to make room. */
void xg__orders_finished(xg__orders *o, uint32_t slot);

/* A fresh gateway-generated client order id, for strategies that left it
 * to us: "g" + gateway id, so it never collides with a gw_id. */
void xg__orders_new_client_id(xg__orders *o, char out[XG_CLIENT_ID_MAX]);

size_t xg__orders_count_open(const xg__orders *o);

/* Make attempt number `attempt` r's current one: its venue client order
 * id becomes gw_id plus the attempt's base-36 digit. A retry on the same
 * venue keeps the attempt (the venue refuses a duplicate); a move to
 * another venue takes the next. */
void xg__order_set_attempt(xg__order_rec *r, uint8_t attempt);

/* The venue client order id of attempt number `attempt` of r. */
void xg__order_attempt_id(const xg__order_rec *r, uint8_t attempt,
                          char out[XG_CLIENT_ID_MAX]);

/* What replies and events show of r; venue_name is its venue's ("" for
 * none). view's pointers are borrowed from r and venue_name. */
void xg__order_view(const xg__order_rec *r, const char *venue_name,
                    xg_order_view *view);

/* Every slot ever used is below this (slots are handed out lowest first):
 * a scan of [0, high water) sees every order and touches no memory the
 * pool has not used. */
size_t xg__orders_high_water(const xg__orders *o);

#endif
