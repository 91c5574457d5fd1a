/*
 * router.c - where orders go and what the gateway does with each outcome.
 *
 * Owns the decisions: which venue takes a new order, when a queued
 * operation may leave (venue state and limiter), and how every adapter
 * outcome moves an order and a venue. The adapters say what a response
 * means; this file decides what to do about it, identically for every
 * venue. Leaves sockets to gateway.c and bytes to transport.c.
 *
 * Exactly-once rules kept here: an order whose fate is unknown (sent, no
 * clear answer) is only ever queried, never re-sent, until the venue says
 * it does not exist; a re-send reuses the same venue client order id, so
 * the venue itself refuses a duplicate.
 */
#include "gateway_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "log.h"
#include "persist.h"
#include "sweep.h"
#include "xgate/buf.h"

/* After a 5xx to a query, give the venue a moment before asking again. */
#define UNKNOWN_RETRY_MS 200

static uint64_t
make_tag(uint32_t slot, xg_op_kind op)
{
    return (uint64_t)slot | ((uint64_t)op << 32);
}

void
xg__router_push(xg__venue *v, uint32_t slot, xg_op_kind op, int front)
{
    xg__queue *q = op == XG_OP_NEW_ORDER ? &v->normal : &v->urgent;
    xg__pending p = {slot, (uint8_t)op};
    xg_err e = front ? xg__queue_push_front(q, p) : xg__queue_push(q, p);
    /* Queues hold as many entries as the order pool, plus venue ops;
     * overflow would mean an accounting bug, not load. */
    if (e != XG_OK) {
        xg__error("venue %s: queue overflow dropping op %d for slot %u",
                  v->cfg->name, (int)op, slot);
    }
}

/* A recovered order's state is known again; once none is left the
 * gateway may take new orders. */
void
xg__router_settled(xg__gateway *gw, xg__order_rec *r)
{
    if (r->recovering) {
        r->recovering = 0;
        gw->n_recovering--;
        xg__gw_check_ready(gw);
    }
}

static void
finish_order(xg__gateway *gw, xg__order_rec *r, uint32_t slot,
             xg_order_status st, const char *event)
{
    int was_open =
        r->status == XG_STATUS_NEW || r->status == XG_STATUS_PARTIALLY_FILLED;
    r->status = st;
    xg__persist_touch(gw, slot);
    xg__router_settled(gw, r);
    if (was_open && r->venue >= 0) {
        gw->venues[r->venue].open_orders--;
    }
    xg__gw_publish_order(gw, event, r);
    xg__orders_finished(gw->orders, slot);
}

void
xg__router_reject(xg__gateway *gw, xg__order_rec *r, uint32_t slot, xg_err err,
                  const char *detail, const xg_result *res)
{
    r->err = err;
    xg_strlcpy(r->detail, detail, sizeof r->detail);
    if (res != NULL) {
        xg_strlcpy(r->venue_code, res->venue_code, sizeof r->venue_code);
        xg_strlcpy(r->venue_msg, res->venue_msg, sizeof r->venue_msg);
    }
    finish_order(gw, r, slot, XG_STATUS_REJECTED, "rejected");
}

static const char *
status_event(xg_order_status st)
{
    switch (st) {
    case XG_STATUS_NEW:
        return "acked";
    case XG_STATUS_PARTIALLY_FILLED:
        return "partially_filled";
    case XG_STATUS_FILLED:
        return "filled";
    case XG_STATUS_CANCELED:
        return "canceled";
    case XG_STATUS_EXPIRED:
        return "expired";
    case XG_STATUS_REJECTED:
        return "rejected";
    default:
        return "unknown";
    }
}

void
xg__router_apply_report(xg__gateway *gw, xg__venue *v, xg__order_rec *r,
                        uint32_t slot, const xg_order_report *rep)
{
    xg__persist_touch(gw, slot);
    if (!r->attempt_known) {
        r->attempt_known = 1;
        xg__persist_attempt(gw, r, XG_ATTEMPT_EXISTS);
    }
    if (rep->venue_order_id[0] != '\0') {
        xg_strlcpy(r->venue_order_id, rep->venue_order_id,
                   sizeof r->venue_order_id);
    }
    int fill_changed = rep->filled_qty.units != 0 &&
                       xg_decimal_cmp(rep->filled_qty, r->filled_qty) != 0;
    if (fill_changed) {
        r->filled_qty = rep->filled_qty;
    }
    xg_order_status st = rep->status;
    if (st == XG_STATUS_UNKNOWN) {
        /* Accepted, state untold (it may have filled at once): record the
         * ack, then ask. */
        st = XG_STATUS_NEW;
        r->needs_query = 1;
        xg__router_push(v, slot, XG_OP_QUERY_ORDER, 0);
    } else {
        r->needs_query = 0;
    }
    if (xg_order_status_is_final(st)) {
        if (!xg_order_status_is_final(r->status)) {
            finish_order(gw, r, slot, st, status_event(st));
        }
        return;
    }
    int was_open =
        r->status == XG_STATUS_NEW || r->status == XG_STATUS_PARTIALLY_FILLED;
    if (!was_open) {
        v->open_orders++;
        xg__sweep_mark_open(v, r);
    }
    if (st != r->status || fill_changed) {
        r->status = st;
        xg__gw_publish_order(gw, status_event(st), r);
    }
    /* A cancel asked for while the order was in flight or unknown goes
     * out now that the order is known to be open (once: later reports of
     * an open order find the cancel already queued or sent). */
    if (r->cancel_requested && !was_open) {
        xg__router_push(v, slot, XG_OP_CANCEL_ORDER, 0);
    }
}

/* Sent, fate unknown: never re-send; ask the venue by client order id. */
static void
mark_unknown(xg__gateway *gw, xg__venue *v, xg__order_rec *r, uint32_t slot,
             const char *why)
{
    if (r->status != XG_STATUS_UNKNOWN) {
        r->status = XG_STATUS_UNKNOWN;
        xg__persist_touch(gw, slot);
        xg_strlcpy(r->detail, why, sizeof r->detail);
        xg__gw_publish_order(gw, "unknown", r);
    }
    xg__router_push(v, slot, XG_OP_QUERY_ORDER, 0);
}

/* A new order the venue did not execute is due again: PENDING, and the
 * journal learns that this attempt is not on the venue, so a restart
 * sends it again rather than first asking a venue that may be banned. */
static void
not_executed(xg__gateway *gw, xg__order_rec *r, uint32_t slot)
{
    r->status = XG_STATUS_PENDING;
    xg__persist_touch(gw, slot);
    xg__persist_attempt(gw, r, XG_ATTEMPT_ABSENT);
}

void
xg__router_retry(xg__gateway *gw, xg__venue *v, uint32_t slot, xg_op_kind op,
                 xg__order_rec *r)
{
    if (op == XG_OP_NEW_ORDER && r != NULL) {
        not_executed(gw, r, slot);
    }
    xg__router_push(v, slot, op, 1);
}

int
xg__router_is_needed(const xg__order_rec *r, xg_op_kind op, int venue)
{
    switch (op) {
    case XG_OP_SERVER_TIME:
    case XG_OP_INSTRUMENTS:
    case XG_OP_OPEN_ORDERS:
        return 1;
    case XG_OP_NEW_ORDER:
        return r != NULL && r->status == XG_STATUS_PENDING && r->venue == venue;
    case XG_OP_CANCEL_ORDER:
        return r != NULL && !xg_order_status_is_final(r->status) &&
               r->status != XG_STATUS_PENDING &&
               r->status != XG_STATUS_UNKNOWN && r->venue == venue;
    case XG_OP_QUERY_ORDER:
        return r != NULL && !xg_order_status_is_final(r->status) &&
               (r->status == XG_STATUS_UNKNOWN || r->cancel_requested ||
                r->needs_query) &&
               r->venue == venue;
    }
    return 0;
}

/* The operation a queue entry (slot, kind) stands for; r is its order,
 * NULL for venue operations. For an open-orders sweep op->instrument is
 * NULL when the instrument list changed since it was queued. */
static void
op_for(xg__venue *v, xg__order_rec *r, uint32_t slot, xg_op_kind kind,
       xg_op *op)
{
    memset(op, 0, sizeof *op);
    op->kind = kind;
    if (kind == XG_OP_OPEN_ORDERS) {
        op->instrument = xg__sweep_instrument(v, slot);
        op->cursor = xg__sweep_cursor(v, slot);
    } else if (r != NULL) {
        op->instrument = xg__venue_instrument(v, r->order.symbol);
        op->order = &r->order;
        op->client_id = r->venue_client_id;
    }
}

/* Whether a queued op is reconciliation: a query of an order recovered
 * from the journal or whose outcome is unknown, or an open-orders sweep
 * (sweep.c). Such a request goes under
 * the limiter's capped share (XG_PRIO_RECONCILE) whatever priority the
 * adapter gave the request, so that settling thousands of orders can
 * never by itself run the venue's budget out. The core decides this, not
 * the adapter: only the core knows why it asks. */
static int
is_reconcile(const xg__order_rec *r, xg_op_kind kind)
{
    return kind == XG_OP_OPEN_ORDERS ||
           (kind == XG_OP_QUERY_ORDER && r != NULL &&
            (r->recovering || r->status == XG_STATUS_UNKNOWN));
}

/* The order a queued or sent op is about: NULL for venue ops, whose slot
 * field holds nothing (XG_ORDER_NONE) or, for an open-orders sweep, an
 * instrument's index (sweep.c). */
static xg__order_rec *
op_order(xg__gateway *gw, uint32_t slot, xg_op_kind kind)
{
    if (slot == XG_ORDER_NONE || kind == XG_OP_OPEN_ORDERS) {
        return NULL;
    }
    return xg__orders_get(gw->orders, slot);
}

/* Ask the loop to pump v again at mono_ms, or earlier if already due. */
static void
wake_at(xg__venue *v, int64_t mono_ms)
{
    if (v->wake_mono_ms == 0 || mono_ms < v->wake_mono_ms) {
        v->wake_mono_ms = mono_ms;
    }
}

static int64_t
ceil_ms(int64_t ns)
{
    return (ns + 999999) / 1000000;
}

/* The next operation to try on v, as (queue, index): the first urgent one
 * (cancels, queries, venue ops), then, once the venue is UP, the oldest
 * new order. While is_held, reconciliation queries have spent their share
 * of the limiter: all of them are passed over, so they keep their order,
 * and what stands behind them may go. Urgent operations with nothing left
 * to do are dropped on the way. Returns 0 when nothing may go.
 *
 * Passing over held queries costs a walk over them per pump; that many
 * only exist while a large reconciliation is capped, and the walk is
 * cheap next to the request it lets through. */
static int
pick_op(xg__gateway *gw, xg__venue *v, int is_held, xg__queue **q, size_t *idx)
{
    int vi = (int)xg__venue_index(gw, v);
    for (size_t i = 0; i < v->urgent.len;) {
        const xg__pending *p = xg__queue_at(&v->urgent, i);
        xg_op_kind kind = (xg_op_kind)p->op;
        xg__order_rec *r = op_order(gw, p->slot, kind);
        if (!xg__router_is_needed(r, kind, vi)) {
            xg__queue_remove(&v->urgent, i);
            continue;
        }
        if (is_held && is_reconcile(r, kind)) {
            i++;
            continue;
        }
        *q = &v->urgent;
        *idx = i;
        return 1;
    }
    if (v->state != XG_VENUE_UP || v->normal.len == 0) {
        return 0;
    }
    *q = &v->normal;
    *idx = 0;
    return 1;
}

/* Take an op out of its queue for good (it cannot be built or can never
 * fit the limits); a sweep's round counts it as ended. */
static void
drop_op(xg__venue *v, xg__queue *q, size_t idx, xg_op_kind kind)
{
    uint32_t slot = xg__queue_at(q, idx)->slot;
    xg__queue_remove(q, idx);
    if (kind == XG_OP_OPEN_ORDERS) {
        xg__sweep_dropped(v, slot);
    }
}

void
xg__router_pump(xg__gateway *gw, xg__venue *v)
{
    size_t vi = xg__venue_index(gw, v);
    for (;;) {
        if (v->state != XG_VENUE_UP && v->state != XG_VENUE_STARTING) {
            return;
        }
        if (v->in_flight >= v->max_in_flight) {
            return;
        }
        int64_t now_ns = gw->now.wall_ns + v->offset_ms * 1000000;
        int is_held = v->reconcile_wait_ns > now_ns;
        if (is_held) {
            /* Whoever set the wait also set a wake-up; renewing it costs
             * nothing and keeps the queries from stalling if the clocks
             * disagree by a millisecond. */
            wake_at(v,
                    gw->now.mono_ms + ceil_ms(v->reconcile_wait_ns - now_ns));
        }
        xg__queue *q = NULL;
        size_t idx = 0;
        if (!pick_op(gw, v, is_held, &q, &idx)) {
            return;
        }
        const xg__pending *p = xg__queue_at(q, idx);
        uint32_t slot = p->slot;
        xg_op_kind kind = (xg_op_kind)p->op;
        if (v->state == XG_VENUE_STARTING && slot != XG_ORDER_NONE) {
            return; /* order operations wait for the instruments */
        }
        xg__order_rec *r = op_order(gw, slot, kind);
        if (!xg__router_is_needed(r, kind, (int)vi)) {
            xg__queue_remove(q, idx);
            continue;
        }
        int is_rec = is_reconcile(r, kind);
        xg_op op;
        op_for(v, r, slot, kind, &op);
        if (kind == XG_OP_OPEN_ORDERS && op.instrument == NULL) {
            drop_op(v, q, idx, kind);
            continue;
        }
        xg_http_request *req = &gw->req;
        memset(req, 0, sizeof *req);
        xg_err e =
            v->plugin->api->build(v->inst, &op, xg__venue_now_ms(gw, v), req);
        if (e != XG_OK) {
            drop_op(v, q, idx, kind);
            if (kind == XG_OP_NEW_ORDER) {
                xg__router_reject(gw, r, slot, e, "adapter could not build it",
                                  NULL);
            } else {
                xg__warn("venue %s: cannot build op %d: %s", v->cfg->name,
                         (int)kind, xg_strerror(e));
            }
            continue;
        }
        int64_t at_ns = now_ns;
        e = xg_limiter_reserve(v->limiter, req->costs, req->n_costs,
                               is_rec ? XG_PRIO_RECONCILE : req->priority,
                               now_ns, &at_ns);
        if (e != XG_OK) {
            drop_op(v, q, idx, kind);
            if (r != NULL && kind == XG_OP_NEW_ORDER) {
                xg__router_reject(gw, r, slot, XG_ERR_RATE_LIMITED,
                                  "request costs more than the venue's limit",
                                  NULL);
            }
            continue;
        }
        if (at_ns > now_ns) {
            int64_t wait_ms = ceil_ms(at_ns - now_ns);
            if (is_rec) {
                /* Its share is spent: it and the reconciliation behind it
                 * wait, while cancels and new orders may still go. */
                v->reconcile_wait_ns = at_ns;
                wake_at(v, gw->now.mono_ms + wait_ms);
                if (r != NULL && !r->waiting_reported) {
                    r->waiting_reported = 1;
                    xg__gw_publish_wait(gw, v, r, wait_ms, "rate limit");
                }
                continue;
            }
            if (kind == XG_OP_NEW_ORDER &&
                xg__place_late_elsewhere(gw, v, gw->now.wall_ms + wait_ms) >
                    0) {
                for (size_t i = 0; i < gw->n_venues; i++) {
                    if (i != vi) {
                        xg__router_pump(gw, &gw->venues[i]);
                    }
                }
                continue; /* the head may have moved on */
            }
            wake_at(v, gw->now.mono_ms + wait_ms);
            if (r != NULL && !r->waiting_reported) {
                r->waiting_reported = 1;
                xg__gw_publish_wait(gw, v, r, wait_ms, "rate limit");
            }
            return;
        }
        e = xg__transport_send(gw->transport, &v->endpoint, req, v,
                               make_tag(slot, kind));
        if (e != XG_OK) {
            /* Every slot busy: the limiter's units are spent, but waiting
             * for a free slot is the only safe move. */
            xg__warn("venue %s: transport: %s", v->cfg->name, xg_strerror(e));
            return;
        }
        xg__queue_remove(q, idx);
        v->in_flight++;
        if (kind == XG_OP_NEW_ORDER) {
            /* Journaled before it leaves: the commit precedes the flush. */
            r->status = XG_STATUS_SENT;
            r->attempt_known = 0;
            xg__persist_touch(gw, slot);
            xg__persist_attempt(gw, r, XG_ATTEMPT_UNSETTLED);
        } else if (kind == XG_OP_SERVER_TIME) {
            v->time_sent_wall_ms = gw->now.wall_ms;
        }
    }
}

static xg_err
collect_instrument(void *ctx, const xg_instrument *ins)
{
    xg__gateway *gw = ctx;
    if (gw->n_ins_scratch == gw->cap_ins_scratch) {
        size_t cap = gw->cap_ins_scratch ? gw->cap_ins_scratch * 2 : 256;
        if (cap > 100000) {
            return XG_ERR_OVERFLOW;
        }
        xg_instrument *p = realloc(gw->ins_scratch, cap * sizeof *p);
        if (p == NULL) {
            return XG_ERR_NOMEM;
        }
        gw->ins_scratch = p;
        gw->cap_ins_scratch = cap;
    }
    gw->ins_scratch[gw->n_ins_scratch++] = *ins;
    return XG_OK;
}

static xg_err
ignore_order_report(void *ctx, const xg_order_report *rep)
{
    (void)ctx;
    (void)rep;
    return XG_OK;
}

void
xg__router_pump_all(xg__gateway *gw)
{
    for (size_t i = 0; i < gw->n_venues; i++) {
        xg__router_pump(gw, &gw->venues[i]);
    }
}

static void
on_new_order_result(xg__gateway *gw, xg__venue *v, xg__order_rec *r,
                    uint32_t slot, const xg_result *res)
{
    switch (res->outcome) {
    case XG_OUTCOME_OK:
        xg__router_apply_report(gw, v, r, slot, &res->order);
        return;
    case XG_OUTCOME_REJECTED:
        if (res->err == XG_ERR_DUPLICATE_ID) {
            /* Our id is already on the venue: an earlier attempt landed.
             * Learn its state rather than reject a live order. */
            mark_unknown(gw, v, r, slot, "venue reports the id in use");
            return;
        }
        xg__router_reject(gw, r, slot, res->err, xg_strerror(res->err), res);
        return;
    case XG_OUTCOME_RATE_LIMITED:
    case XG_OUTCOME_BANNED:
        return; /* xg__health_refused() */
    case XG_OUTCOME_UNKNOWN:
        mark_unknown(gw, v, r, slot, "venue answer does not settle it");
        return;
    case XG_OUTCOME_RESYNC:
        if (r->resynced) {
            xg__router_reject(gw, r, slot, XG_ERR_TIMESTAMP,
                              "timestamp refused after a clock resync", res);
            return;
        }
        r->resynced = 1;
        xg__router_retry(gw, v, slot, XG_OP_NEW_ORDER, r);
        xg__router_push(v, XG_ORDER_NONE, XG_OP_SERVER_TIME, 1);
        return;
    }
}

static void
on_cancel_result(xg__gateway *gw, xg__venue *v, xg__order_rec *r, uint32_t slot,
                 const xg_result *res)
{
    switch (res->outcome) {
    case XG_OUTCOME_OK:
        xg__router_apply_report(gw, v, r, slot, &res->order);
        return;
    case XG_OUTCOME_REJECTED:
        r->cancel_requested = 0;
        xg_strlcpy(r->venue_code, res->venue_code, sizeof r->venue_code);
        xg_strlcpy(r->venue_msg, res->venue_msg, sizeof r->venue_msg);
        xg__gw_publish_order(gw, "cancel_rejected", r);
        if (res->err == XG_ERR_ORDER_NOT_FOUND) {
            /* Filled or gone meanwhile: find out which. */
            mark_unknown(gw, v, r, slot, "cancel found no open order");
        }
        return;
    case XG_OUTCOME_RATE_LIMITED:
    case XG_OUTCOME_BANNED:
        return; /* xg__health_refused() */
    case XG_OUTCOME_UNKNOWN:
        xg__router_push(v, slot, XG_OP_QUERY_ORDER, 0);
        return;
    case XG_OUTCOME_RESYNC:
        xg__router_retry(gw, v, slot, XG_OP_CANCEL_ORDER, r);
        xg__router_push(v, XG_ORDER_NONE, XG_OP_SERVER_TIME, 1);
        return;
    }
}

static void
on_query_result(xg__gateway *gw, xg__venue *v, xg__order_rec *r, uint32_t slot,
                const xg_result *res)
{
    if (res->outcome == XG_OUTCOME_OK || (res->outcome == XG_OUTCOME_REJECTED &&
                                          res->err == XG_ERR_ORDER_NOT_FOUND)) {
        /* The venue settled what a recovered order's state is. Events
         * below tell the strategy. */
        xg__router_settled(gw, r);
    }
    switch (res->outcome) {
    case XG_OUTCOME_OK:
        xg__router_apply_report(gw, v, r, slot, &res->order);
        return;
    case XG_OUTCOME_REJECTED:
        if (res->err != XG_ERR_ORDER_NOT_FOUND) {
            xg__warn("venue %s: query of %s refused: %s %s", v->cfg->name,
                     r->venue_client_id, res->venue_code, res->venue_msg);
            xg__health_throttled(gw, v, UNKNOWN_RETRY_MS, "query refused");
            xg__router_retry(gw, v, slot, XG_OP_QUERY_ORDER, r);
            return;
        }
        if (r->status == XG_STATUS_UNKNOWN && !r->cancel_requested) {
            /* The venue confirms it never got the order: send it again
             * under the same id, which the venue would refuse as a
             * duplicate if it did exist after all. */
            r->status = XG_STATUS_PENDING;
            xg__persist_touch(gw, slot);
            xg__persist_attempt(gw, r, XG_ATTEMPT_ABSENT);
            xg__router_push(v, slot, XG_OP_NEW_ORDER, 1);
            return;
        }
        if (!r->cancel_requested) {
            /* Acked a moment ago, not found now: the venue's answer is
             * stale, not proof of absence. Keep what the ack said. */
            r->needs_query = 0;
            xg__warn("venue %s: acked order %s not found by query",
                     v->cfg->name, r->venue_client_id);
            return;
        }
        /* Asked to cancel and the venue has no such order: nothing is
         * open, so the cancel's goal holds. */
        finish_order(gw, r, slot, XG_STATUS_CANCELED, "canceled");
        return;
    case XG_OUTCOME_RATE_LIMITED:
    case XG_OUTCOME_BANNED:
        return; /* xg__health_refused() */
    case XG_OUTCOME_UNKNOWN:
    case XG_OUTCOME_RESYNC:
        xg__health_throttled(gw, v, UNKNOWN_RETRY_MS, "venue error");
        xg__router_retry(gw, v, slot, XG_OP_QUERY_ORDER, r);
        if (res->outcome == XG_OUTCOME_RESYNC) {
            xg__router_push(v, XG_ORDER_NONE, XG_OP_SERVER_TIME, 1);
        }
        return;
    }
}

static void
on_response(xg__gateway *gw, xg__venue *v, xg__order_rec *r, uint32_t slot,
            xg_op_kind kind, const xg_http_response *resp)
{
    xg_op op;
    op_for(v, r, slot, kind, &op);
    xg_result res;
    memset(&res, 0, sizeof res);
    xg_sink sink = {gw, collect_instrument,
                    kind == XG_OP_OPEN_ORDERS ? xg__sweep_collect
                                              : ignore_order_report};
    gw->n_ins_scratch = 0;
    gw->n_swept = 0;
    xg_err e = v->plugin->api->parse(v->inst, &op, resp, &sink, &res);
    if (e != XG_OK) {
        res.outcome = XG_OUTCOME_UNKNOWN;
        xg_strlcpy(res.venue_msg, xg_strerror(e), sizeof res.venue_msg);
    }
    int64_t now_ns = gw->now.wall_ns + v->offset_ms * 1000000;
    xg_limiter_observe(v->limiter, res.usage, res.n_usage, now_ns);
    if (res.outcome != XG_OUTCOME_BANNED && v->down_backoff_ms != 0 &&
        v->state == XG_VENUE_UP) {
        v->down_backoff_ms = 0;
    }
    if (kind == XG_OP_OPEN_ORDERS) {
        /* A limit or a ban concerns the venue and keeps the request for
         * later; any other failure skips this symbol until next round. */
        if (!xg__health_refused(gw, v, NULL, slot, kind, &res)) {
            xg__sweep_answered(gw, v, slot, &res);
        }
        return;
    }
    if (r == NULL) {
        xg__health_venue_answer(gw, v, kind, &res);
        return;
    }
    if (xg__health_refused(gw, v, r, slot, kind, &res)) {
        return;
    }
    switch (kind) {
    case XG_OP_NEW_ORDER:
        on_new_order_result(gw, v, r, slot, &res);
        return;
    case XG_OP_CANCEL_ORDER:
        on_cancel_result(gw, v, r, slot, &res);
        return;
    case XG_OP_QUERY_ORDER:
        on_query_result(gw, v, r, slot, &res);
        return;
    default:
        return;
    }
}

void
xg__router_on_done(void *ctx, void *user, uint64_t tag, xg__xfer_status st,
                   const xg_http_response *resp, const char *detail)
{
    xg__gateway *gw = ctx;
    xg__venue *v = user;
    uint32_t slot = (uint32_t)(tag & 0xffffffffu);
    xg_op_kind kind = (xg_op_kind)(tag >> 32);
    xg__order_rec *r = op_order(gw, slot, kind);
    v->in_flight--;
    if (r == NULL && slot != XG_ORDER_NONE && kind != XG_OP_OPEN_ORDERS) {
        return; /* cannot happen: open orders are never evicted */
    }
    if (st == XG_XFER_RESPONSE) {
        on_response(gw, v, r, slot, kind, resp);
    } else if (st == XG_XFER_NOT_SENT) {
        /* Nothing reached the venue: the operation is simply still due,
         * and a new order may go to another venue meanwhile. */
        if (kind == XG_OP_NEW_ORDER && r != NULL) {
            xg__health_down(gw, v, detail, slot);
        } else {
            xg__router_retry(gw, v, slot, kind, r);
            xg__health_down(gw, v, detail, XG_ORDER_NONE);
        }
    } else if (r != NULL &&
               (kind == XG_OP_NEW_ORDER || kind == XG_OP_CANCEL_ORDER)) {
        if (kind == XG_OP_CANCEL_ORDER) {
            xg__router_push(v, slot, XG_OP_QUERY_ORDER, 0);
        } else {
            mark_unknown(gw, v, r, slot, detail);
        }
    } else {
        xg__router_retry(gw, v, slot, kind, r);
    }
    xg__router_pump(gw, v);
}

void
xg__router_recover(xg__gateway *gw, uint32_t slot, xg_op_kind op)
{
    xg__order_rec *r = xg__orders_get(gw->orders, slot);
    xg__venue *v = &gw->venues[r->venue];
    if (r->status == XG_STATUS_NEW || r->status == XG_STATUS_PARTIALLY_FILLED) {
        v->open_orders++;
        xg__sweep_mark_open(v, r);
    }
    xg__router_push(v, slot, op, 0);
}

void
xg__router_tick(xg__gateway *gw)
{
    for (size_t i = 0; i < gw->n_venues; i++) {
        xg__venue *v = &gw->venues[i];
        int due = 0;
        due |= xg__health_expire(gw, v);
        if (v->wake_mono_ms > 0 && gw->now.mono_ms >= v->wake_mono_ms) {
            v->wake_mono_ms = 0;
            due = 1;
        }
        if (v->has_time && gw->now.mono_ms >= v->next_resync_mono_ms) {
            v->next_resync_mono_ms =
                gw->now.mono_ms + v->cfg->resync_interval_ms;
            xg__router_push(v, XG_ORDER_NONE, XG_OP_SERVER_TIME, 0);
            due = 1;
        }
        due |= xg__sweep_start(gw, v);
        if (due) {
            xg__router_pump(gw, v);
        }
    }
}

int64_t
xg__router_next_wake_ms(const xg__gateway *gw)
{
    int64_t next = -1;
    for (size_t i = 0; i < gw->n_venues; i++) {
        const xg__venue *v = &gw->venues[i];
        int64_t cands[4] = {v->until_mono_ms, v->wake_mono_ms,
                            v->has_time ? v->next_resync_mono_ms : 0,
                            v->state == XG_VENUE_UP ? xg__sweep_due_ms(v) : 0};
        for (size_t k = 0; k < 4; k++) {
            if (cands[k] > 0 && (next < 0 || cands[k] < next)) {
                next = cands[k];
            }
        }
    }
    return next;
}

xg_err
xg__router_cancel(xg__gateway *gw, uint32_t slot, char *detail,
                  size_t detail_len)
{
    xg__order_rec *r = xg__orders_get(gw->orders, slot);
    if (xg_order_status_is_final(r->status)) {
        snprintf(detail, detail_len, "order is already %s",
                 xg_order_status_name(r->status));
        return XG_ERR_REJECTED;
    }
    if (r->status == XG_STATUS_PENDING) {
        /* Never left the gateway: withdrawing it is the whole cancel. */
        finish_order(gw, r, slot, XG_STATUS_CANCELED, "canceled");
        return XG_OK;
    }
    r->cancel_requested = 1;
    xg__persist_touch(gw, slot);
    xg__venue *v = &gw->venues[r->venue];
    if (r->status == XG_STATUS_NEW || r->status == XG_STATUS_PARTIALLY_FILLED) {
        xg__router_push(v, slot, XG_OP_CANCEL_ORDER, 0);
        if (v->state == XG_VENUE_BANNED) {
            xg__gw_publish_order(gw, "cancel_waiting", r);
        }
        xg__router_pump(gw, v);
    }
    /* SENT or UNKNOWN: the cancel goes out once the order's state is
     * known (apply_report queues it). */
    return XG_OK;
}

void
xg__router_order_view(const xg__gateway *gw, const xg__order_rec *r,
                      xg_order_view *view)
{
    memset(view, 0, sizeof *view);
    view->order = &r->order;
    view->venue = r->venue >= 0 ? gw->venues[r->venue].cfg->name : "";
    view->venue_client_id = r->venue_client_id;
    view->venue_order_id = r->venue_order_id;
    view->status = r->status;
    view->filled_qty = r->filled_qty;
    view->err = r->err;
    view->detail = r->detail;
    view->venue_code = r->venue_code;
    view->venue_msg = r->venue_msg;
}
