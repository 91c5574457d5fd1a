/*
 * persist.c - what the gateway writes to its journal, and how it rebuilds
 * itself from it after a crash.
 *
 * Owns the mapping between an order record and its journal rows, the list
 * of records changed during a loop turn, and start-up recovery. Every
 * change to an order marks it dirty; at the end of the turn the dirty
 * records are written and committed in one transaction, and only then are
 * the turn's requests released to the network (gateway.c). A request
 * therefore never leaves before the state it depends on is durable, and
 * throughput costs one commit per turn, not per order. SQLite itself is
 * journal.c's business.
 */
#include "persist.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "xgate/buf.h"

void
xg__persist_touch(xg__gateway *gw, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(gw->orders, slot);
    if (gw->journal == NULL || r == NULL || r->dirty) {
        return;
    }
    r->dirty = 1;
    gw->dirty[gw->n_dirty++] = slot;
}

static void
to_row(const xg__gateway *gw, const xg__order_rec *r, xg__journal_order *o)
{
    memset(o, 0, sizeof *o);
    memcpy(o->gw_id, r->gw_id, sizeof o->gw_id);
    xg_strlcpy(o->client_id, r->order.client_id, sizeof o->client_id);
    xg_strlcpy(o->strategy_id, r->order.strategy_id, sizeof o->strategy_id);
    xg_strlcpy(o->symbol, r->order.symbol, sizeof o->symbol);
    o->side = r->order.side;
    o->type = r->order.type;
    o->tif = r->order.tif;
    o->qty = r->order.qty;
    o->price = r->order.price;
    o->status = r->status;
    if (r->venue >= 0) {
        xg_strlcpy(o->venue, gw->venues[r->venue].cfg->name, sizeof o->venue);
    }
    xg_strlcpy(o->venue_client_id, r->venue_client_id,
               sizeof o->venue_client_id);
    xg_strlcpy(o->venue_order_id, r->venue_order_id, sizeof o->venue_order_id);
    o->filled_qty = r->filled_qty;
    o->attempt = r->attempt;
    o->cancel_requested = r->cancel_requested;
    o->requantize = r->is_requantize;
    for (size_t i = 0; i < r->n_route; i++) {
        xg_strlcpy(o->route[i], gw->venues[r->route[i]].cfg->name,
                   sizeof o->route[i]);
    }
    o->n_route = r->n_route;
    o->deadline_ms = r->deadline_ms;
    o->updated_ms = gw->now.wall_ms;
}

void
xg__persist_attempt(xg__gateway *gw, const xg__order_rec *r, int state)
{
    if (gw->journal == NULL || r->venue < 0) {
        return;
    }
    xg__journal_attempt a;
    memset(&a, 0, sizeof a);
    memcpy(a.gw_id, r->gw_id, sizeof a.gw_id);
    a.attempt = r->attempt;
    xg_strlcpy(a.venue, gw->venues[r->venue].cfg->name, sizeof a.venue);
    xg_strlcpy(a.venue_client_id, r->venue_client_id,
               sizeof a.venue_client_id);
    a.state = state;
    a.updated_ms = gw->now.wall_ms;
    /* A failed put rolls the turn back; commit then reports it. */
    (void)xg__journal_put_attempt(gw->journal, &a);
}

xg_err
xg__persist_commit(xg__gateway *gw)
{
    if (gw->journal == NULL) {
        return XG_OK;
    }
    xg_err e = XG_OK;
    for (size_t i = 0; i < gw->n_dirty; i++) {
        xg__order_rec *r = xg__orders_get(gw->orders, gw->dirty[i]);
        if (r == NULL) {
            continue;
        }
        r->dirty = 0;
        xg__journal_order row;
        to_row(gw, r, &row);
        if (e == XG_OK) {
            e = xg__journal_put_order(gw->journal, &row);
        }
    }
    gw->n_dirty = 0;
    if (e == XG_OK) {
        e = xg__journal_commit(gw->journal);
    }
    if (e != XG_OK) {
        xg__error("journal: %s", xg__journal_last_error(gw->journal));
    }
    return e;
}

static int
venue_by_name(const xg__gateway *gw, const char *name)
{
    for (size_t i = 0; i < gw->n_venues; i++) {
        if (strcmp(gw->venues[i].cfg->name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* Rebuild one order's record and decide how to reconcile it. */
static xg_err
recover_order(void *ctx, const xg__journal_order *o,
              const xg__journal_attempt *attempts, size_t n_attempts)
{
    xg__gateway *gw = ctx;
    int venue = o->venue[0] != '\0' ? venue_by_name(gw, o->venue) : -1;
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
    xg_err e = xg__orders_restore(gw->orders, o->client_id, o->gw_id, &slot);
    if (e != XG_OK) {
        xg__error("journal: cannot restore order %s: %s", o->client_id,
                  xg_strerror(e));
        return e;
    }
    xg__order_rec *r = xg__orders_get(gw->orders, slot);
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
    xg_strlcpy(r->venue_order_id, o->venue_order_id,
               sizeof r->venue_order_id);
    r->filled_qty = o->filled_qty;
    r->attempt = o->attempt;
    r->cancel_requested = o->cancel_requested;
    r->is_requantize = o->requantize;
    r->deadline_ms = o->deadline_ms;
    for (size_t i = 0; i < o->n_route; i++) {
        int vi = venue_by_name(gw, o->route[i]);
        if (vi >= 0) {
            r->route[r->n_route++] = (uint8_t)vi;
        }
    }
    r->venue = venue;
    /* An attempt sent but never settled may be on the venue: only a query
     * can tell. PENDING with every earlier attempt settled never left. */
    int unsettled = 0;
    for (size_t i = 0; i < n_attempts; i++) {
        unsettled |= attempts[i].state == XG_ATTEMPT_UNSETTLED;
    }
    if (r->status == XG_STATUS_PENDING && !unsettled) {
        xg__router_recover(gw, slot, XG_OP_NEW_ORDER);
    } else {
        if (r->status == XG_STATUS_PENDING || r->status == XG_STATUS_SENT) {
            r->status = XG_STATUS_UNKNOWN;
        }
        r->needs_query = 1;
        r->recovering = 1;
        gw->n_recovering++;
        xg__router_recover(gw, slot, XG_OP_QUERY_ORDER);
    }
    return XG_OK;
}

xg_err
xg__persist_recover(xg__gateway *gw, char *err, size_t err_len)
{
    if (gw->journal == NULL) {
        return XG_OK;
    }
    xg_err e = xg__journal_load_open(gw->journal, recover_order, gw);
    if (e != XG_OK) {
        snprintf(err, err_len, "%s", xg__journal_last_error(gw->journal));
        return e;
    }
    if (gw->n_recovering > 0) {
        xg__info("journal: %zu orders to reconcile before accepting new ones",
                 gw->n_recovering);
    }
    return XG_OK;
}

xg_err
xg__persist_housekeeping(xg__gateway *gw)
{
    if (gw->journal == NULL || gw->cfg->journal_retention_s <= 0) {
        return XG_OK;
    }
    size_t deleted = 0;
    xg_err e =
        xg__journal_housekeep(gw->journal, gw->now.wall_ms,
                              gw->cfg->journal_retention_s * 1000, &deleted);
    if (e != XG_OK) {
        xg__warn("journal: pruning finished orders: %s",
                 xg__journal_last_error(gw->journal));
        return e;
    }
    if (deleted > 0) {
        xg__info("journal: pruned %zu finished orders older than %lld s",
                 deleted, (long long)gw->cfg->journal_retention_s);
    }
    return XG_OK;
}
