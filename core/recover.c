/*
 * recover.c - the journal read back at start (see recover.h).
 *
 * - PENDING with no unsettled attempt never left: it is queued again;
 * - SENT or UNKNOWN, or PENDING with an unsettled attempt, may be on the
 *   venue: it becomes UNKNOWN and is queried by its venue client id;
 * - NEW and PARTIALLY_FILLED are queried to learn what happened meanwhile;
 *   one whose cancel-replace was on its way (an unsettled attempt after
 *   its own) learns from that query whether it was replaced.
 * The gateway takes new orders only once these are settled (gateway.c).
 * Orders that ended with a fill in the last minute before the restart are
 * read back as finished. The fills each order's strategy was told of are
 * noted again (orders.h), so none is told twice across the restart; a
 * fill an order counts but was never told is asked for (fills.h).
 */
#include "recover.h"

#include <stdio.h>
#include <string.h>

#include "act.h"
#include "log.h"
#include "xgate/buf.h"

/* Orders that ended this long before the journal's last change are read
 * back too: a venue's push of a fill trails the answer that ended its
 * order by milliseconds, a minute is ample. */
#define RECOVER_ENDED_MS 60000

static void
fill_record(xg__state *st, xg__order_rec *r, const xg__journal_order *o,
            int venue)
{
    xg_strlcpy(r->order.strategy_id, o->strategy_id,
               sizeof r->order.strategy_id);
    xg_strlcpy(r->order.symbol, o->symbol, sizeof r->order.symbol);
    r->order.side = o->side;
    r->order.type = o->type;
    r->order.tif = o->tif;
    r->order.qty = o->qty;
    r->order.price = o->price;
    r->asked_qty = o->qty;
    r->asked_price = o->price;
    r->status = o->status;
    xg_strlcpy(r->venue_client_id, o->venue_client_id,
               sizeof r->venue_client_id);
    xg_strlcpy(r->venue_order_id, o->venue_order_id, sizeof r->venue_order_id);
    r->exec = o->exec;
    r->replaced_exec = o->replaced_exec;
    r->attempt = o->attempt;
    r->cancel_requested = o->cancel_requested;
    r->is_requantize = o->requantize;
    r->deadline_ms = o->deadline_ms;
    for (size_t i = 0; i < o->n_route; i++) {
        int vi = xg__state_venue_by_name(st, o->route[i]);
        if (vi >= 0) {
            r->route[r->n_route++] = (uint8_t)vi;
        }
    }
    r->venue = venue;
}

/* Rebuild one order's record and queue what settles it. */
static xg_err
recover_order(void *ctx, const xg__journal_order *o,
              const xg__journal_attempt *attempts, size_t n_attempts)
{
    xg__state *st = ctx;
    int venue =
        o->venue[0] != '\0' ? xg__state_venue_by_name(st, o->venue) : -1;
    if (venue < 0) {
        /* Its venue left the configuration: nobody here can settle it.
         * Say so loudly rather than guess; the row stays in the journal
         * for when the venue is configured again. */
        xg__error("journal: order %s is on venue \"%s\", which is not "
                  "configured; left as %s in the journal",
                  o->client_id, o->venue, xg_order_status_name(o->status));
        return XG_OK;
    }
    uint32_t slot;
    xg_err e = xg__orders_restore(st->orders, o->client_id, o->gw_id, &slot);
    if (e != XG_OK) {
        xg__error("journal: cannot restore order %s: %s", o->client_id,
                  xg_strerror(e));
        return e;
    }
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    fill_record(st, r, o, venue);
    xg__act_restored(st, slot);
    /* An attempt sent but never settled may be on the venue: only a query
     * can tell. PENDING with every earlier attempt settled never left. */
    int unsettled = 0;
    for (size_t i = 0; i < n_attempts; i++) {
        unsettled |= attempts[i].state == XG_ATTEMPT_UNSETTLED;
        if (attempts[i].attempt > o->attempt &&
            attempts[i].state == XG_ATTEMPT_UNSETTLED) {
            /* Only a cancel-replace journals an attempt before it is the
             * order's own: one was on its way. The query below finds
             * whether it replaced the order (act.c settles it). */
            r->amend_requested = 1;
            r->amend_is_replace = 1;
            r->amend_in_doubt = XG_AMEND_ANSWER_LOST;
        }
    }
    if (r->status == XG_STATUS_PENDING && !unsettled) {
        if (r->deadline_ms > 0 &&
            xg__deadlines_push(&st->deadlines, r->deadline_ms, slot) != XG_OK) {
            return XG_ERR_NOMEM;
        }
        xg__act_queue(st, slot, XG_OP_NEW_ORDER, 0);
        return XG_OK;
    }
    if (r->status == XG_STATUS_PENDING || r->status == XG_STATUS_SENT) {
        r->status = XG_STATUS_UNKNOWN;
    }
    r->needs_query = 1;
    r->recovering = 1;
    st->n_recovering++;
    xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
    return XG_OK;
}

/* An order that ended with something filled just before the restart:
 * kept in the table as finished, so that a fill it counts but whose push
 * never came is asked for (act.c watches it), and its client id stays
 * taken. */
static xg_err
recover_ended(void *ctx, const xg__journal_order *o,
              const xg__journal_attempt *attempts, size_t n_attempts)
{
    (void)attempts;
    (void)n_attempts;
    xg__state *st = ctx;
    int venue =
        o->venue[0] != '\0' ? xg__state_venue_by_name(st, o->venue) : -1;
    uint32_t slot;
    xg_err e = venue >= 0 ? xg__orders_restore(st->orders, o->client_id,
                                               o->gw_id, &slot)
                          : XG_ERR_UNKNOWN_VENUE;
    if (e != XG_OK) {
        /* Its venue left the configuration, an open order took its
         * client id again, or the table is full of open orders: any fill
         * it did not tell stays untold. */
        xg__warn("journal: order %s ended just before the restart and is "
                 "not restored (%s): a fill its strategy was not told of "
                 "would stay untold",
                 o->client_id, xg_strerror(e));
        return e == XG_ERR_NOMEM ? e : XG_OK;
    }
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    fill_record(st, r, o, venue);
    xg__orders_finished(st->orders, slot);
    xg__act_restored(st, slot);
    return XG_OK;
}

/* A fill of a restored order the strategy was told of before the
 * restart: noted, so the venue telling it again is not told again. */
static xg_err
recover_fill(void *ctx, const xg__journal_fill *f)
{
    xg__state *st = ctx;
    uint32_t slot = xg__orders_find_gw(st->orders, f->gw_id);
    int venue = xg__state_venue_by_name(st, f->venue);
    if (slot == XG_ORDER_NONE || venue < 0) {
        return XG_OK; /* its order or venue was not restored (above) */
    }
    xg_fill fill;
    xg__persist_fill_of_record(f, &fill);
    return xg__orders_note_fill(st->orders, slot, venue, &fill) < 0
               ? XG_ERR_NOMEM
               : XG_OK;
}

xg_err
xg__recover(xg__state *st, char *err, size_t err_len)
{
    if (st->persist.journal == NULL) {
        return XG_OK;
    }
    xg__journal *j = st->persist.journal;
    xg_err e = xg__journal_load_open(j, recover_order, st);
    if (e == XG_OK) {
        e = xg__journal_load_ended(j, RECOVER_ENDED_MS, recover_ended, st);
    }
    if (e == XG_OK) {
        e = xg__journal_load_fills(j, RECOVER_ENDED_MS, recover_fill, st);
    }
    if (e != XG_OK) {
        snprintf(err, err_len, "%s",
                 xg__journal_last_error(st->persist.journal));
        return e;
    }
    if (st->n_recovering > 0) {
        xg__info("journal: %zu orders to reconcile before accepting new ones",
                 st->n_recovering);
    }
    return XG_OK;
}
