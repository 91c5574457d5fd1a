/*
 * persist.c - mapping order records to journal rows, once per turn (see
 * persist.h).
 */
#include "persist.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xgate/buf.h"

xg_err
xg__persist_init(xg__persist *p, const xg__config *cfg, char *err,
                 size_t err_len)
{
    memset(p, 0, sizeof *p);
    if (strcmp(cfg->journal, "off") == 0) {
        return XG_OK;
    }
    p->dirty = malloc(cfg->max_orders * sizeof *p->dirty);
    if (p->dirty == NULL) {
        xg_strlcpy(err, "out of memory", err_len);
        return XG_ERR_NOMEM;
    }
    xg__sync_mode mode =
        strcmp(cfg->journal, "full") == 0 ? XG_SYNC_FULL : XG_SYNC_NORMAL;
    return xg__journal_open(&p->journal, cfg->data_dir, mode, err, err_len);
}

void
xg__persist_fini(xg__persist *p)
{
    xg__journal_close(&p->journal);
    free(p->dirty);
    p->dirty = NULL;
    p->n_dirty = 0;
}

void
xg__persist_touch(xg__persist *p, xg__order_rec *r, uint32_t slot)
{
    if (p->journal == NULL || r->is_dirty) {
        return;
    }
    r->is_dirty = 1;
    p->dirty[p->n_dirty++] = slot;
}

static void
to_row(const xg__order_rec *r, const xg__venue *venues, int64_t now_ms,
       xg__journal_order *o)
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
        xg_strlcpy(o->venue, venues[r->venue].cfg->name, sizeof o->venue);
    }
    xg_strlcpy(o->venue_client_id, r->venue_client_id,
               sizeof o->venue_client_id);
    xg_strlcpy(o->venue_order_id, r->venue_order_id, sizeof o->venue_order_id);
    o->filled_qty = r->filled_qty;
    o->attempt = r->attempt;
    o->cancel_requested = r->cancel_requested;
    o->requantize = r->is_requantize;
    for (size_t i = 0; i < r->n_route; i++) {
        xg_strlcpy(o->route[i], venues[r->route[i]].cfg->name,
                   sizeof o->route[i]);
    }
    o->n_route = r->n_route;
    o->deadline_ms = r->deadline_ms;
    o->updated_ms = now_ms;
}

void
xg__persist_attempt(xg__persist *p, const xg__order_rec *r, const char *venue,
                    int state, int64_t now_ms)
{
    if (p->journal == NULL) {
        return;
    }
    xg__journal_attempt a;
    memset(&a, 0, sizeof a);
    memcpy(a.gw_id, r->gw_id, sizeof a.gw_id);
    a.attempt = r->attempt;
    xg_strlcpy(a.venue, venue, sizeof a.venue);
    xg_strlcpy(a.venue_client_id, r->venue_client_id, sizeof a.venue_client_id);
    a.state = state;
    a.updated_ms = now_ms;
    /* A failed put rolls the turn back; commit then reports it. */
    (void)xg__journal_put_attempt(p->journal, &a);
}

xg_err
xg__persist_commit(xg__persist *p, xg__orders *orders, const xg__venue *venues,
                   int64_t now_ms)
{
    if (p->journal == NULL) {
        return XG_OK;
    }
    xg_err e = XG_OK;
    for (size_t i = 0; i < p->n_dirty; i++) {
        xg__order_rec *r = xg__orders_get(orders, p->dirty[i]);
        if (r == NULL) {
            continue;
        }
        r->is_dirty = 0;
        xg__journal_order row;
        to_row(r, venues, now_ms, &row);
        if (e == XG_OK) {
            e = xg__journal_put_order(p->journal, &row);
        }
    }
    p->n_dirty = 0;
    if (e == XG_OK) {
        e = xg__journal_commit(p->journal);
    }
    if (e != XG_OK) {
        xg__error("journal: %s", xg__journal_last_error(p->journal));
    }
    return e;
}

void
xg__persist_checkpoint_busy(xg__persist *p)
{
    if (p->journal != NULL && xg__journal_checkpoint(p->journal, 0) != XG_OK) {
        xg__warn("journal: %s", xg__journal_last_error(p->journal));
    }
}

void
xg__persist_housekeeping(xg__persist *p, const xg__config *cfg, int64_t now_ms)
{
    if (p->journal == NULL) {
        return;
    }
    if (xg__journal_checkpoint(p->journal, 1) != XG_OK) {
        xg__warn("journal: %s", xg__journal_last_error(p->journal));
    }
    if (cfg->journal_retention_s <= 0) {
        return;
    }
    size_t deleted = 0;
    if (xg__journal_housekeep(p->journal, now_ms,
                              cfg->journal_retention_s * 1000,
                              &deleted) != XG_OK) {
        xg__warn("journal: pruning finished orders: %s",
                 xg__journal_last_error(p->journal));
        return;
    }
    if (deleted > 0) {
        xg__info("journal: pruned %zu finished orders older than %lld s",
                 deleted, (long long)cfg->journal_retention_s);
    }
}
