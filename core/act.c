/*
 * act.c - carrying out what happens to one order (see act.h).
 */
#include "act.h"

#include <stdio.h>
#include <string.h>

#include "lifecycle.h"
#include "log.h"
#include "xgate/buf.h"

static xg__queue *
queue_of(xg__venue *v, xg_op_kind op)
{
    switch (op) {
    case XG_OP_NEW_ORDER:
        return &v->normal;
    case XG_OP_CANCEL_ORDER:
        return &v->cancels;
    default:
        return &v->urgent;
    }
}

/* Queues hold as many entries as the order pool (per operation), plus
 * venue ops and sweeps: overflow would be an accounting bug, not load. */
static void
push(xg__state *st, xg__venue *v, xg__pending p, int is_first)
{
    xg__queue *q = queue_of(v, (xg_op_kind)p.op);
    xg_err e = is_first ? xg__queue_push_front(q, p) : xg__queue_push(q, p);
    if (e != XG_OK) {
        xg__error("venue %s: queue overflow dropping op %d", v->cfg->name,
                  (int)p.op);
    }
    xg__state_mark(st, v);
}

void
xg__act_queue(xg__state *st, uint32_t slot, xg_op_kind op, int is_first)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || r->venue < 0 || (r->queued & xg__op_bit(op))) {
        return;
    }
    r->queued |= xg__op_bit(op);
    xg__pending p = {slot, r->serial, 0, (uint8_t)op};
    push(st, &st->venues[r->venue], p, is_first);
}

void
xg__act_queue_venue_op(xg__state *st, xg__venue *v, xg_op_kind op, int is_first)
{
    if (v->queued_ops & xg__op_bit(op)) {
        return;
    }
    v->queued_ops |= xg__op_bit(op);
    xg__pending p = {XG_ORDER_NONE, 0, 0, (uint8_t)op};
    push(st, v, p, is_first);
}

void
xg__act_queue_sweep(xg__state *st, xg__venue *v, uint32_t index)
{
    xg__pending p = {XG_ORDER_NONE, 0, index, (uint8_t)XG_OP_OPEN_ORDERS};
    push(st, v, p, 1);
}

static void
tell(xg__state *st, const xg__order_rec *r, const char *event)
{
    xg_order_view view;
    xg__order_view(r, xg__state_venue_name(st, r), &view);
    xg__events_order(&st->events, event, &view, st->now.wall_ms);
}

/* The cancel asked for goes out now if the order is open and none is
 * queued or in flight: when the venue first says the order is open (it
 * was asked for while the order was in flight or unknown), and when a
 * query finds it still open after a cancel whose outcome was unknown. */
static void
resume_cancel(xg__state *st, uint32_t slot, const xg__order_rec *r)
{
    uint8_t bit = xg__op_bit(XG_OP_CANCEL_ORDER);
    if (r->cancel_requested && xg__lifecycle_is_open(r->status) &&
        !(r->in_flight & bit)) {
        xg__act_queue(st, slot, XG_OP_CANCEL_ORDER, 0);
    }
}

/* The order's venue counts it as open, or stops counting it. */
static void
count_open(xg__state *st, xg__order_rec *r, int is_open)
{
    if (r->venue < 0) {
        return;
    }
    xg__venue *v = &st->venues[r->venue];
    if (is_open) {
        v->open_orders++;
        /* A sweep round queued from now on must list it. */
        r->open_round = v->sweep_round;
    } else {
        v->open_orders--;
    }
}

void
xg__act_settled(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r != NULL && r->recovering) {
        r->recovering = 0;
        st->n_recovering--;
    }
}

void
xg__act_status(xg__state *st, uint32_t slot, xg_order_status status,
               const xg_execution *exec)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL) {
        return;
    }
    xg__lifecycle_step s =
        xg__lifecycle_next(r->status, &r->exec, status, exec);
    if (s.status == r->status && xg__execution_eq(&s.exec, &r->exec)) {
        return;
    }
    int was_open = xg__lifecycle_is_open(r->status);
    int is_open = xg__lifecycle_is_open(s.status);
    r->status = s.status;
    r->exec = s.exec;
    xg__persist_touch(&st->persist, r, slot);
    if (was_open != is_open) {
        count_open(st, r, is_open);
    }
    if (s.event != NULL) {
        tell(st, r, s.event);
    }
    if (xg_order_status_is_final(s.status)) {
        xg__orders_finished(st->orders, slot);
        xg__act_settled(st, slot);
    }
}

void
xg__act_restored(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (xg__lifecycle_is_open(r->status)) {
        count_open(st, r, 1);
    }
}

void
xg__act_report(xg__state *st, uint32_t slot, const xg_order_report *rep)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || xg_order_status_is_final(r->status)) {
        return;
    }
    if (!r->attempt_known) {
        r->attempt_known = 1;
        xg__persist_attempt(&st->persist, r, xg__state_venue_name(st, r),
                            XG_ATTEMPT_EXISTS, st->now.wall_ms);
    }
    if (rep->venue_order_id[0] != '\0' &&
        strcmp(r->venue_order_id, rep->venue_order_id) != 0) {
        xg_strlcpy(r->venue_order_id, rep->venue_order_id,
                   sizeof r->venue_order_id);
        xg__persist_touch(&st->persist, r, slot);
    }
    xg_order_status want = rep->status;
    if (want == XG_STATUS_UNKNOWN) {
        /* Accepted, state untold (it may have filled at once): record
         * the ack, then ask. */
        want = XG_STATUS_NEW;
        r->needs_query = 1;
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
    } else {
        r->needs_query = 0;
    }
    xg__act_status(st, slot, want, &rep->exec);
    resume_cancel(st, slot, r);
}

void
xg__act_reject(xg__state *st, uint32_t slot, xg_err err, const char *detail,
               const xg_result *res)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || xg_order_status_is_final(r->status)) {
        return;
    }
    r->err = err;
    xg_strlcpy(r->detail, detail, sizeof r->detail);
    if (res != NULL) {
        xg_strlcpy(r->venue_code, res->venue_code, sizeof r->venue_code);
        xg_strlcpy(r->venue_msg, res->venue_msg, sizeof r->venue_msg);
    }
    xg__act_status(st, slot, XG_STATUS_REJECTED, NULL);
}

void
xg__act_unknown(xg__state *st, uint32_t slot, const char *why)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || xg_order_status_is_final(r->status)) {
        return;
    }
    if (r->status != XG_STATUS_UNKNOWN && !xg__lifecycle_is_open(r->status)) {
        xg_strlcpy(r->detail, why, sizeof r->detail);
    }
    xg__act_status(st, slot, XG_STATUS_UNKNOWN, NULL);
    r->needs_query = 1;
    xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
}

void
xg__act_due_again(xg__state *st, uint32_t slot, int is_first)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || xg_order_status_is_final(r->status)) {
        return;
    }
    xg__act_status(st, slot, XG_STATUS_PENDING, NULL);
    if (r->status != XG_STATUS_PENDING) {
        return; /* the venue said it holds it meanwhile */
    }
    r->wait_told = 0;
    xg__persist_touch(&st->persist, r, slot);
    xg__persist_attempt(&st->persist, r, xg__state_venue_name(st, r),
                        XG_ATTEMPT_ABSENT, st->now.wall_ms);
    xg__act_queue(st, slot, XG_OP_NEW_ORDER, is_first);
}

void
xg__act_sent(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    xg__act_status(st, slot, XG_STATUS_SENT, NULL);
    r->attempt_known = 0;
    /* Journaled before it leaves: the commit precedes the flush. */
    xg__persist_attempt(&st->persist, r, xg__state_venue_name(st, r),
                        XG_ATTEMPT_UNSETTLED, st->now.wall_ms);
}

void
xg__act_cancel_held(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r != NULL && r->cancel_requested && !r->cancel_waiting_told &&
        !xg_order_status_is_final(r->status)) {
        r->cancel_waiting_told = 1;
        tell(st, r, "cancel_waiting");
    }
}

xg_err
xg__act_cancel(xg__state *st, uint32_t slot, char *detail, size_t detail_len)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (xg_order_status_is_final(r->status)) {
        snprintf(detail, detail_len, "order is already %s",
                 xg_order_status_name(r->status));
        return XG_ERR_REJECTED;
    }
    if (r->cancel_requested) {
        return XG_OK; /* one cancel per order: this one is on its way */
    }
    if (r->status == XG_STATUS_PENDING) {
        /* Never left the gateway: withdrawing it is the whole cancel. */
        xg__act_status(st, slot, XG_STATUS_CANCELED, NULL);
        return XG_OK;
    }
    r->cancel_requested = 1;
    xg__persist_touch(&st->persist, r, slot);
    if (xg__lifecycle_is_open(r->status)) {
        xg__act_queue(st, slot, XG_OP_CANCEL_ORDER, 0);
        if (st->venues[r->venue].health.state != XG_VENUE_UP) {
            xg__act_cancel_held(st, slot);
        }
    }
    /* SENT or UNKNOWN: the cancel goes out once the venue says the order
     * is open (xg__act_report). */
    return XG_OK;
}

void
xg__act_cancel_refused(xg__state *st, uint32_t slot, const xg_result *res)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || xg_order_status_is_final(r->status)) {
        return;
    }
    /* The refusal is the cancel's, not the order's: it shows in this
     * event's error object only, and the order keeps no trace of it. */
    xg_order_view view;
    xg__order_view(r, xg__state_venue_name(st, r), &view);
    view.err = res->err != XG_OK ? res->err : XG_ERR_REJECTED;
    view.detail = "cancel refused by the venue";
    view.venue_code = res->venue_code;
    view.venue_msg = res->venue_msg;
    xg__events_order(&st->events, "cancel_rejected", &view, st->now.wall_ms);
    if (res->err == XG_ERR_ORDER_NOT_FOUND) {
        /* Filled or gone meanwhile: a query says which. */
        r->needs_query = 1;
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
        return;
    }
    r->cancel_requested = 0;
    r->cancel_waiting_told = 0;
    xg__persist_touch(&st->persist, r, slot);
}

void
xg__act_tell_wait(xg__state *st, uint32_t slot, int64_t wait_ms,
                  const char *reason)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || r->wait_told || wait_ms < XG_WAIT_TELL_MS ||
        r->venue < 0) {
        return;
    }
    r->wait_told = 1;
    xg__events_wait(&st->events, xg__state_venue_name(st, r), &r->order,
                    wait_ms, reason, st->now.wall_ms);
}

void
xg__act_tell_venue(xg__state *st, const xg__venue *v)
{
    xg_venue_view view;
    xg_bucket_view buckets[32];
    xg__venue_view(v, st->now.wall_ms, st->now.mono_ms, &view, buckets, 32);
    xg__events_venue(&st->events, &view, st->now.wall_ms);
}
