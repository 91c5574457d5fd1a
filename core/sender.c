/*
 * sender.c - draining the venues' queues (see sender.h).
 *
 * A pump of one venue may find that new orders cannot leave before their
 * deadlines and move them (routing.c), which marks the venues they move
 * to; the drain goes on until no venue is marked, so they leave in the
 * same turn. Each move spends one of an order's attempts, which bounds
 * the rounds.
 */
#include "sender.h"

#include <string.h>

#include "act.h"
#include "batch.h"
#include "fills.h"
#include "lifecycle.h"
#include "log.h"
#include "routing.h"
#include "share.h"
#include "stream.h"
#include "sweep.h"
#include "xgate/buf.h"
#include "xgate/sign.h"

void
xg__sender_init(xg__sender *s, xg__transport *transport)
{
    memset(s, 0, sizeof *s);
    s->transport = transport;
}

void
xg__sender_fini(xg__sender *s)
{
    xg_wipe(&s->req, sizeof s->req);
}

xg__order_rec *
xg__sender_order_of(xg__state *st, const xg__pending *p)
{
    if (!xg__sender_is_order_op((xg_op_kind)p->op)) {
        return NULL;
    }
    xg__order_rec *r = xg__orders_get(st->orders, p->order);
    return r != NULL && r->serial == p->serial ? r : NULL;
}

/* What r's amend asks of its venue (without a replacement's client id). */
static xg_amend
amend_of(const xg__order_rec *r)
{
    xg_amend a = {.price = r->amend_price,
                  .qty = r->amend_qty,
                  .filled_qty = r->exec.filled_qty,
                  .is_replace = r->amend_is_replace,
                  .new_client_id = NULL};
    return a;
}

void
xg__sender_op_for(const xg__venue *v, const xg__order_rec *r,
                  const xg__pending *p, xg_op *op, xg__op_amend *a)
{
    memset(op, 0, sizeof *op);
    op->kind = (xg_op_kind)p->op;
    if (p->op == XG_OP_OPEN_ORDERS) {
        op->instrument = xg__sweep_instrument(v, p->instrument);
        op->cursor = xg__sweep_cursor(v, p->instrument);
    } else if (p->op == XG_OP_CANCEL_SYMBOL) {
        op->instrument = xg__sweep_instrument(v, p->instrument);
    } else if (r != NULL) {
        op->instrument = xg__venue_instrument(v, r->order.symbol);
        op->order = &r->order;
        op->client_id = r->venue_client_id;
    }
    if (p->op == XG_OP_ORDER_FILLS && r != NULL) {
        op->venue_order_id = r->venue_order_id;
        op->cursor = xg__fills_cursor(v, p->order);
    }
    if (p->op == XG_OP_AMEND_ORDER && r != NULL) {
        memset(a, 0, sizeof *a);
        a->amend = amend_of(r);
        if (r->amend_is_replace &&
            (v->plugin->api->caps.amend & XG_AMEND_REPLACE_NEW_ID)) {
            xg__order_attempt_id(r, (uint8_t)(r->attempt + 1),
                                 a->new_client_id);
            a->amend.new_client_id = a->new_client_id;
        }
        op->amend = &a->amend;
    }
}

/* Whether a queued op still has work to do on venue number vi; r is its
 * order (xg__sender_order_of). */
static int
is_needed(const xg__pending *p, const xg__order_rec *r, int vi)
{
    switch ((xg_op_kind)p->op) {
    case XG_OP_SERVER_TIME:
    case XG_OP_INSTRUMENTS:
    case XG_OP_OPEN_ORDERS:
    case XG_OP_BALANCES:
    case XG_OP_CANCEL_SYMBOL:
    case XG_OP_STREAM_TOKEN:
    case XG_OP_ACCOUNT_ID:
        return 1;
    case XG_OP_NEW_ORDER:
        return r != NULL && r->status == XG_STATUS_PENDING && r->venue == vi;
    case XG_OP_CANCEL_ORDER:
        return r != NULL && r->venue == vi && r->cancel_requested &&
               !r->cancel_in_doubt && xg__lifecycle_is_open(r->status) &&
               !(r->in_flight & xg__op_bit(XG_OP_CANCEL_ORDER));
    case XG_OP_AMEND_ORDER:
        return r != NULL && r->venue == vi && r->amend_requested &&
               !r->amend_in_doubt && !r->cancel_requested &&
               xg__lifecycle_is_open(r->status) &&
               !(r->in_flight & xg__op_bit(XG_OP_AMEND_ORDER));
    case XG_OP_QUERY_ORDER:
        return r != NULL && r->venue == vi &&
               !xg_order_status_is_final(r->status) &&
               (r->status == XG_STATUS_UNKNOWN || r->needs_query) &&
               !(r->in_flight & xg__op_bit(XG_OP_QUERY_ORDER));
    case XG_OP_ORDER_FILLS:
        return r != NULL && r->venue == vi && xg__orders_fills_owed(r) &&
               !(r->in_flight & xg__op_bit(XG_OP_ORDER_FILLS));
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_BATCH_AMEND:
        return 0; /* never queued: sent as one from their orders' entries */
    }
    return 0;
}

/* Whether a queued op is reconciliation: a query of an order recovered
 * from the journal or whose outcome is unknown, an open-orders sweep
 * (sweep.c), or a list of an order's fills (fills.c). Such a request goes under
 * the limiter's capped share (XG_PRIO_RECONCILE) whatever priority the adapter
 * gave it, so settling thousands of orders can never by itself run the venue's
 * budget out. The core decides this, not the adapter: only the core knows why
 * it asks. */
static int
is_reconcile(const xg__pending *p, const xg__order_rec *r)
{
    return p->op == XG_OP_OPEN_ORDERS || p->op == XG_OP_ORDER_FILLS ||
           (p->op == XG_OP_QUERY_ORDER && r != NULL &&
            (r->recovering || r->status == XG_STATUS_UNKNOWN));
}

/* Take entry idx out of q: its order (or venue) no longer has that
 * operation queued. */
static void
unqueue(xg__state *st, xg__venue *v, xg__queue *q, size_t idx)
{
    xg__pending p = *xg__queue_at(q, idx);
    xg__queue_remove(q, idx);
    xg__order_rec *r = xg__sender_order_of(st, &p);
    if (r != NULL) {
        r->queued &= (uint16_t)~xg__op_bit((xg_op_kind)p.op);
    } else if (xg__op_is_venue_own((xg_op_kind)p.op)) {
        v->queued_ops &= (uint16_t)~xg__op_bit((xg_op_kind)p.op);
    }
}

/* Take entry idx out of q for good (nothing left to do, or it can never
 * be sent); a sweep's round counts its symbol as ended. */
static void
drop(xg__state *st, xg__venue *v, xg__queue *q, size_t idx)
{
    xg__pending p = *xg__queue_at(q, idx);
    unqueue(st, v, q, idx);
    if (p.op == XG_OP_OPEN_ORDERS) {
        xg__sweep_dropped(v, p.instrument);
    } else if (p.op == XG_OP_ORDER_FILLS) {
        xg__fills_dropped(v, p.order);
    }
}

/* p can never be sent (err, why): a new order is rejected, an amend
 * refused, a mass cancel's orders get their own cancels, a balances
 * request ends (the next one asks again); anything else is only logged. */
static void
cannot_send(xg__state *st, xg__venue *v, const xg__pending *p, xg_err err,
            const char *why)
{
    if (p->op == XG_OP_CANCEL_SYMBOL) {
        const xg_instrument *ins = xg__sweep_instrument(v, p->instrument);
        xg__act_cancel_symbol_done(st, v, ins != NULL ? ins->symbol : NULL, 0);
    } else if (p->op == XG_OP_BALANCES) {
        v->balances_asked = 0;
        xg__warn("venue %s: cannot ask its balances: %s: %s", v->cfg->name, why,
                 xg_strerror(err));
    } else if (p->op == XG_OP_STREAM_TOKEN) {
        xg__warn("venue %s: cannot ask for the stream's token: %s: %s",
                 v->cfg->name, why, xg_strerror(err));
        xg__stream_token_answered(st, v, NULL);
    } else if (p->op == XG_OP_ACCOUNT_ID) {
        xg__share_account_told(st, v, NULL, why);
    } else if (p->op == XG_OP_NEW_ORDER) {
        xg__act_reject(st, p->order, err, why, NULL);
    } else if (p->op == XG_OP_AMEND_ORDER) {
        xg_result res;
        memset(&res, 0, sizeof res);
        res.err = err;
        xg_strlcpy(res.venue_msg, why, sizeof res.venue_msg);
        xg__act_amend_refused(st, p->order, &res);
    } else {
        xg__warn("venue %s: cannot send op %d: %s: %s", v->cfg->name,
                 (int)p->op, why, xg_strerror(err));
    }
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

/* The next operation to try on v, as (queue, index): the first cancel,
 * then the first urgent operation, then, once the venue is UP, the
 * oldest new order. While STARTING only the venue's own operations go.
 * While is_held, reconciliation has spent its share of the limiter: it
 * is passed over, keeping its order, and what stands behind it may go.
 * Entries with nothing left to do are dropped on the way. Returns 0 when
 * nothing may go.
 *
 * Passing over held queries costs a walk over them per pump; that many
 * only exist while a large reconciliation is capped, and the walk is
 * cheap next to the request it lets through. */
static int
pick(xg__state *st, xg__venue *v, int is_held, xg__queue **q, size_t *idx)
{
    int vi = (int)xg__state_venue_index(st, v);
    int is_starting = v->health.state == XG_VENUE_STARTING;
    while (!is_starting && v->cancels.len > 0) {
        const xg__pending *p = xg__queue_at(&v->cancels, 0);
        if (is_needed(p, xg__sender_order_of(st, p), vi)) {
            *q = &v->cancels;
            *idx = 0;
            return 1;
        }
        drop(st, v, &v->cancels, 0);
    }
    for (size_t i = 0; i < v->urgent.len;) {
        const xg__pending *p = xg__queue_at(&v->urgent, i);
        const xg__order_rec *r = xg__sender_order_of(st, p);
        if (!is_needed(p, r, vi)) {
            drop(st, v, &v->urgent, i);
            continue;
        }
        if ((is_starting && !xg__op_is_start_up((xg_op_kind)p->op)) ||
            (is_held && is_reconcile(p, r))) {
            i++;
            continue;
        }
        *q = &v->urgent;
        *idx = i;
        return 1;
    }
    if (v->health.state != XG_VENUE_UP) {
        return 0;
    }
    while (v->normal.len > 0) {
        const xg__pending *p = xg__queue_at(&v->normal, 0);
        if (is_needed(p, xg__sender_order_of(st, p), vi)) {
            *q = &v->normal;
            *idx = 0;
            return 1;
        }
        drop(st, v, &v->normal, 0);
    }
    return 0;
}

/* The head new order cannot leave before ready_mono_ms: the orders whose
 * deadline falls earlier move or are refused (routing.c). Returns 1 if
 * the head changed, so the pump looks again. */
static int
move_late(xg__state *st, xg__venue *v, const xg__pending *head,
          int64_t ready_mono_ms)
{
    xg__routing_late(st, v, ready_mono_ms, "deadline");
    const xg__pending *now = xg__queue_peek(&v->normal);
    return now == NULL || now->order != head->order ||
           now->serial != head->serial;
}

/* How far past the head a batch looks for orders to join it, in batch
 * sizes: far enough to pass over another symbol's few, short enough that
 * a pump never walks a long queue. */
#define BATCH_WINDOW 4

/* Whether order r's queued operation op may go in a batch: an amend only
 * in place (a cancel-replace's new order has its own way to be found
 * after a crash, one at a time). */
static int
is_batchable(uint8_t op, const xg__order_rec *r)
{
    return op != XG_OP_AMEND_ORDER || !r->amend_is_replace;
}

/* The entries of q from idx on (idx holds head, of order hr) that may go
 * with it in one request: the same operation on the same instrument, due
 * now. Their indices go to out, head first; returns how many, 0 when v
 * does not batch this operation (or has not yet answered one of its kind
 * alone: see venue.h, probing_ops; or the limiter holds its batches until
 * later: batch_wait_ns). */
static size_t
gather(xg__state *st, xg__venue *v, xg__queue *q, size_t idx,
       const xg__pending *head, const xg__order_rec *hr, int64_t now_ns,
       size_t *out)
{
    size_t max = xg__batch_max(v, head->op);
    if (max == 0 || hr == NULL || !is_batchable(head->op, hr) ||
        !(v->answered_ops & xg__op_bit((xg_op_kind)head->op)) ||
        now_ns < v->batch_wait_ns[head->op]) {
        return 0;
    }
    int vi = (int)xg__state_venue_index(st, v);
    size_t n = 0;
    out[n++] = idx;
    size_t end = idx + BATCH_WINDOW * max;
    for (size_t j = idx + 1; j < q->len && j < end && n < max; j++) {
        const xg__pending *e = xg__queue_at(q, j);
        if (e->op != head->op) {
            continue;
        }
        const xg__order_rec *er = xg__sender_order_of(st, e);
        if (!is_needed(e, er, vi) || !is_batchable(e->op, er) ||
            strcmp(er->order.symbol, hr->order.symbol) != 0 ||
            (e->op == XG_OP_NEW_ORDER && er->deadline_ms > 0 &&
             st->now.wall_ms > er->deadline_ms)) {
            continue;
        }
        out[n++] = j;
    }
    return n;
}

typedef enum batch_sent {
    BATCH_SENT,     /* gone; the pump goes on */
    BATCH_NOT_SENT, /* the head goes alone instead */
    BATCH_STOP,     /* every connection busy: the pump stops */
    BATCH_WAIT      /* waiting for the shared count (share.h): it stops */
} batch_sent;

/* Send the n entries of q at idx (ascending, from gather) as one batch
 * request. A batch the adapter cannot build or the limiter cannot admit
 * now is not sent: its head then tries alone, which either goes (a
 * single order fits where a batch did not) or waits and tells why. */
static batch_sent
send_batch(xg__sender *s, xg__state *st, xg__venue *v, xg__queue *q,
           const size_t *idx, size_t n, int64_t now_ns)
{
    uint32_t slot = 0;
    const xg__pending head = *xg__queue_at(q, idx[0]);
    xg__batch_flight *f = xg__batch_take(v, head.op, &slot);
    if (f == NULL) {
        return BATCH_NOT_SENT;
    }
    for (size_t i = 0; i < n; i++) {
        const xg__pending *p = xg__queue_at(q, idx[i]);
        const xg__order_rec *r = xg__sender_order_of(st, p);
        f->items[i] = *p;
        f->orders[i] = r->order;
        f->amends[i] = amend_of(r);
        xg_strlcpy(f->client_ids[i], r->venue_client_id,
                   sizeof f->client_ids[i]);
    }
    f->n = n;
    xg_batch batch;
    xg_op op;
    xg__batch_op(f, xg__venue_instrument(v, f->orders[0].symbol), &batch,
                 s->batch_results, &op);
    xg_http_request *req = &s->req;
    memset(req, 0, sizeof *req);
    int64_t at_ns = now_ns;
    xg_err e = op.instrument == NULL
                   ? XG_ERR_UNKNOWN_SYMBOL
                   : v->plugin->api->build(v->inst, &op,
                                           xg__state_venue_now_ms(st, v), req);
    if (e == XG_OK) {
        e = xg__share_admit(st, v, req->costs, req->n_costs, req->priority,
                            now_ns, &at_ns);
    }
    if (e == XG_ERR_BUSY) {
        /* Being admitted by the other gateways' count: the reply marks
         * the venue, and the batch is built again then. */
        xg__batch_release(f);
        return BATCH_WAIT;
    }
    if (e == XG_OK && at_ns > now_ns) {
        v->batch_wait_ns[head.op] = at_ns;
    }
    if (e != XG_OK || at_ns > now_ns) {
        xg__batch_release(f);
        return BATCH_NOT_SENT;
    }
    e = xg__transport_send(s->transport, &v->endpoint, req, v,
                           xg__pending_tag(xg__batch_pending(v, slot)));
    if (e != XG_OK) {
        xg__warn("venue %s: transport: %s", v->cfg->name, xg_strerror(e));
        xg__batch_release(f);
        return BATCH_STOP;
    }
    v->in_flight++;
    uint16_t op_bit = xg__op_bit((xg_op_kind)head.op);
    for (size_t i = n; i-- > 0;) {
        unqueue(st, v, q, idx[i]);
    }
    for (size_t i = 0; i < n; i++) {
        xg__sender_order_of(st, &f->items[i])->in_flight |= op_bit;
        if (head.op == XG_OP_NEW_ORDER) {
            xg__act_sent(st, f->items[i].order);
        } else if (head.op == XG_OP_AMEND_ORDER) {
            xg__act_amend_sent(st, f->items[i].order);
        }
    }
    return BATCH_SENT;
}

/* Send from v's queues until nothing may go now. */
static void
pump(xg__sender *s, xg__state *st, xg__venue *v)
{
    for (;;) {
        if ((v->health.state != XG_VENUE_UP &&
             v->health.state != XG_VENUE_STARTING) ||
            v->in_flight >= v->max_in_flight) {
            return;
        }
        int64_t now_ns = xg__state_venue_now_ns(st, v);
        int is_held = v->reconcile_wait_ns > now_ns;
        if (is_held) {
            /* Whoever set the wait also set a wake-up; renewing it costs
             * nothing and keeps the queries from stalling if the clocks
             * disagree by a millisecond. */
            wake_at(v,
                    st->now.mono_ms + ceil_ms(v->reconcile_wait_ns - now_ns));
        }
        xg__queue *q = NULL;
        size_t idx = 0;
        if (!pick(st, v, is_held, &q, &idx)) {
            return;
        }
        const xg__pending p = *xg__queue_at(q, idx);
        uint16_t op_bit = xg__op_bit((xg_op_kind)p.op);
        if ((v->probing_ops & op_bit) && !(v->answered_ops & op_bit)) {
            return; /* the first of its kind is still out: see venue.h */
        }
        xg__order_rec *r = xg__sender_order_of(st, &p);
        if (p.op == XG_OP_NEW_ORDER && r->deadline_ms > 0 &&
            st->now.wall_ms > r->deadline_ms) {
            unqueue(st, v, q, idx);
            xg__act_reject(st, p.order, XG_ERR_DEADLINE,
                           "max_wait_ms passed before it could be sent", NULL);
            continue;
        }
        size_t batch_idx[XG_BATCH_MAX];
        size_t n_batch = gather(st, v, q, idx, &p, r, now_ns, batch_idx);
        if (n_batch >= 2) {
            batch_sent b = send_batch(s, st, v, q, batch_idx, n_batch, now_ns);
            if (b == BATCH_SENT) {
                continue;
            }
            if (b == BATCH_STOP) {
                return;
            }
            if (b == BATCH_WAIT) {
                wake_at(v, st->now.mono_ms + st->cfg->share.timeout_ms);
                return;
            }
        }
        xg_op op;
        xg__op_amend amend;
        xg__sender_op_for(v, r, &p, &op, &amend);
        if ((p.op == XG_OP_OPEN_ORDERS || p.op == XG_OP_CANCEL_SYMBOL) &&
            op.instrument == NULL) {
            drop(st, v, q, idx);
            if (p.op == XG_OP_CANCEL_SYMBOL) {
                cannot_send(st, v, &p, XG_ERR_UNKNOWN_SYMBOL,
                            "the venue's instruments changed");
            }
            continue;
        }
        xg_http_request *req = &s->req;
        memset(req, 0, sizeof *req);
        xg_err e = v->plugin->api->build(v->inst, &op,
                                         xg__state_venue_now_ms(st, v), req);
        if (e != XG_OK) {
            drop(st, v, q, idx);
            cannot_send(st, v, &p, e, "adapter could not build it");
            continue;
        }
        int is_rec = is_reconcile(&p, r);
        int64_t at_ns = now_ns;
        e = xg__share_admit(st, v, req->costs, req->n_costs,
                            is_rec ? XG_PRIO_RECONCILE : req->priority, now_ns,
                            &at_ns);
        if (e == XG_ERR_BUSY) {
            /* Being admitted by the other gateways' count: the reply marks
             * the venue; the wake-up is only a net under a lost reply. */
            wake_at(v, st->now.mono_ms + st->cfg->share.timeout_ms);
            return;
        }
        if (e != XG_OK) {
            drop(st, v, q, idx);
            cannot_send(st, v, &p, XG_ERR_RATE_LIMITED,
                        "request costs more than the venue's limit");
            continue;
        }
        if (at_ns > now_ns) {
            int64_t wait_ms = ceil_ms(at_ns - now_ns);
            int64_t ready_mono_ms = st->now.mono_ms + wait_ms;
            if (is_rec) {
                /* Its share is spent: it and the reconciliation behind it
                 * wait, while cancels and new orders may still go. */
                v->reconcile_wait_ns = at_ns;
                wake_at(v, ready_mono_ms);
                continue;
            }
            if (p.op == XG_OP_NEW_ORDER && r->deadline_ms > 0 &&
                r->deadline_ms < st->now.wall_ms + wait_ms &&
                move_late(st, v, &p, ready_mono_ms)) {
                continue;
            }
            wake_at(v, ready_mono_ms);
            if (r != NULL) {
                xg__act_tell_wait(st, p.order, wait_ms, "rate limit");
            }
            return;
        }
        e = xg__transport_send(s->transport, &v->endpoint, req, v,
                               xg__pending_tag(p));
        if (e != XG_OK) {
            /* Every slot busy: the limiter's units are spent, but waiting
             * for a free slot is the only safe move. */
            xg__warn("venue %s: transport: %s", v->cfg->name, xg_strerror(e));
            return;
        }
        unqueue(st, v, q, idx);
        v->in_flight++;
        if (!(v->answered_ops & op_bit)) {
            v->probing_ops |= op_bit;
        }
        if (r != NULL) {
            r->in_flight |= op_bit;
        }
        if (p.op == XG_OP_NEW_ORDER) {
            xg__act_sent(st, p.order);
        } else if (p.op == XG_OP_AMEND_ORDER) {
            xg__act_amend_sent(st, p.order);
        } else if (p.op == XG_OP_SERVER_TIME) {
            v->time_sent_wall_ms = st->now.wall_ms;
        }
    }
}

/* More rounds than this over the marks means orders keep moving between
 * venues within one turn; what is left waits for the next loop turn. */
#define DRAIN_ROUNDS_MAX 64

void
xg__sender_drain(xg__sender *s, xg__state *st)
{
    for (int n = 0; n < DRAIN_ROUNDS_MAX && st->pump_marks != 0; n++) {
        uint32_t marks = st->pump_marks;
        st->pump_marks = 0;
        for (size_t i = 0; i < st->n_venues; i++) {
            if (marks & (1u << i)) {
                pump(s, st, &st->venues[i]);
            }
        }
    }
}
