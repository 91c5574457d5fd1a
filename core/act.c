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
    case XG_OP_CANCEL_SYMBOL:
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
xg__act_queue_cancel_symbol(xg__state *st, xg__venue *v, uint32_t index,
                            int is_first)
{
    xg__pending p = {XG_ORDER_NONE, 0, index, (uint8_t)XG_OP_CANCEL_SYMBOL};
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
    uint16_t bit = xg__op_bit(XG_OP_CANCEL_ORDER);
    if (r->cancel_requested && !r->cancel_in_doubt &&
        xg__lifecycle_is_open(r->status) && !(r->in_flight & bit)) {
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

static void
end_amend(xg__order_rec *r)
{
    r->amend_requested = 0;
    r->amend_is_replace = 0;
    r->amend_in_doubt = 0;
}

/* amend_rejected: the refusal shows in this event's error object only;
 * the order keeps no trace of it. */
static void
tell_amend_refused(xg__state *st, const xg__order_rec *r, xg_err err,
                   const char *detail, const char *venue_code,
                   const char *venue_msg)
{
    xg_order_view view;
    xg__order_view(r, xg__state_venue_name(st, r), &view);
    view.err = err;
    view.detail = detail;
    view.venue_code = venue_code;
    view.venue_msg = venue_msg;
    xg__events_order(&st->events, "amend_rejected", &view, st->now.wall_ms);
}

/* The amend asked for goes out now if the order is open and neither an
 * amend nor a cancel of it is on its way: at once, or when the venue
 * first says the order is open (asked for while it was in flight or
 * unknown). How it goes is decided by the venue holding it then. */
static void
resume_amend(xg__state *st, uint32_t slot, xg__order_rec *r)
{
    if (!r->amend_requested || r->amend_in_doubt || r->cancel_requested ||
        !xg__lifecycle_is_open(r->status) ||
        (r->in_flight & xg__op_bit(XG_OP_AMEND_ORDER))) {
        return;
    }
    xg__amend_how h =
        xg__lifecycle_amend_how(st->venues[r->venue].plugin->api->caps.amend,
                                &r->order, r->amend_price, r->amend_qty);
    if (h == XG__AMEND_CANNOT) {
        end_amend(r);
        tell_amend_refused(st, r, XG_ERR_UNSUPPORTED,
                           "the order's venue cannot amend it", "", "");
        return;
    }
    r->amend_is_replace = h == XG__AMEND_REPLACE;
    xg__act_queue(st, slot, XG_OP_AMEND_ORDER, 0);
}

/* The order has the price and quantity asked for (and perhaps a new venue
 * order): journaled, and event tells the strategy. */
static void
take_amend(xg__state *st, uint32_t slot, xg__order_rec *r, const char *event)
{
    /* Zero when recovery found a replace on its way but not what it
     * asked for, and the venue did not say either. */
    if (xg_decimal_is_positive(r->amend_price)) {
        r->order.price = r->amend_price;
        r->asked_price = r->amend_price;
    }
    if (xg_decimal_is_positive(r->amend_qty)) {
        r->order.qty = r->amend_qty;
        r->asked_qty = r->amend_qty;
    }
    end_amend(r);
    xg__persist_touch(&st->persist, r, slot);
    tell(st, r, event);
}

/* Whether the venue's own client id for a replacement differs from the
 * order's (it then carries attempt + 1's). */
static int
is_new_id_replace(const xg__state *st, const xg__order_rec *r)
{
    return r->amend_is_replace && r->venue >= 0 &&
           (st->venues[r->venue].plugin->api->caps.amend &
            XG_AMEND_REPLACE_NEW_ID);
}

/* A cancel-replace under a new client id did not happen: its attempt,
 * journaled before it was sent, is not on the venue. */
static void
no_replacement(xg__state *st, const xg__order_rec *r)
{
    if (is_new_id_replace(st, r)) {
        xg__persist_attempt_of(&st->persist, r, (uint8_t)(r->attempt + 1),
                               xg__state_venue_name(st, r), XG_ATTEMPT_ABSENT,
                               st->now.wall_ms);
    }
}

/* The order's venue order is now the replacement, venue_order_id ("" when
 * not known yet), under attempt + 1's client id where the venue gives it
 * its own: what the replaced one executed (exec) is kept apart, as its
 * reports will not count it. */
static void
switch_to_replacement(xg__state *st, uint32_t slot, xg__order_rec *r,
                      const xg_execution *exec, const char *venue_order_id)
{
    xg_execution sum;
    if (xg__execution_add(&r->replaced_exec, exec, &sum) == XG_OK) {
        r->replaced_exec = sum;
    }
    if (is_new_id_replace(st, r)) {
        xg__order_set_attempt(r, (uint8_t)(r->attempt + 1));
        r->attempt_known = 0;
    }
    xg_strlcpy(r->venue_order_id, venue_order_id, sizeof r->venue_order_id);
    xg__persist_touch(&st->persist, r, slot);
}

/* The amend whose answer was lost is settled by this report of the order
 * (its current venue order): returns 1 when the report was used up here.
 *  - final: the order ended, whatever became of the amend;
 *  - a cancel-replace with its own client id: the replaced order reads
 *    CANCELED once the replace went through, and the replacement, under
 *    attempt + 1's id, is asked for next;
 *  - else the venue's price and quantity (or, for a replacement under the
 *    same id, a new venue order id) say whether it took effect. */
static int
settle_amend(xg__state *st, uint32_t slot, xg__order_rec *r,
             const xg_order_report *rep)
{
    if (r->amend_in_doubt == XG_AMEND_SEEK_REPLACEMENT) {
        /* The replacement exists: the replace went through, to what the
         * venue shows of it where it says. */
        if (xg_decimal_is_positive(rep->price)) {
            r->amend_price = rep->price;
        }
        if (xg_decimal_is_positive(rep->qty)) {
            r->amend_qty = rep->qty;
        }
        take_amend(st, slot, r, "replaced");
        return 0;
    }
    if (xg_order_status_is_final(rep->status) &&
        rep->status != XG_STATUS_CANCELED) {
        return 0; /* filled or expired: act_report ends the amend */
    }
    if (is_new_id_replace(st, r)) {
        if (rep->status != XG_STATUS_CANCELED) {
            no_replacement(st, r);
            end_amend(r);
            tell_amend_refused(st, r, XG_ERR_REJECTED,
                               "the venue shows the order unchanged", "", "");
            return 0;
        }
        /* Replaced, or canceled and not replaced: the replacement's
         * query says which (not found: the order is gone). */
        switch_to_replacement(st, slot, r, &rep->exec, "");
        r->amend_in_doubt = XG_AMEND_SEEK_REPLACEMENT;
        r->needs_query = 1;
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 1);
        return 1;
    }
    if (rep->status == XG_STATUS_CANCELED) {
        return 0;
    }
    int is_replaced = r->amend_is_replace &&
                      rep->venue_order_id[0] != '\0' &&
                      strcmp(rep->venue_order_id, r->venue_order_id) != 0;
    int is_amended = xg_decimal_cmp(rep->price, r->amend_price) == 0 &&
                     xg_decimal_cmp(rep->qty, r->amend_qty) == 0;
    if (is_replaced) {
        /* Under the same client id: the report counts all it executed. */
        switch_to_replacement(st, slot, r, &(xg_execution){0},
                              rep->venue_order_id);
        take_amend(st, slot, r, "replaced");
    } else if (is_amended) {
        take_amend(st, slot, r, "amended");
    } else {
        end_amend(r);
        tell_amend_refused(st, r, XG_ERR_REJECTED,
                           "the venue shows the order unchanged", "", "");
    }
    return 0;
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

/* How long a live stream has to tell a fill the order's report already
 * counts before the venue is asked for the order's fills: the stream's
 * push comes within milliseconds of the REST answer, so only a lost push
 * or a gap while the stream was down costs a request. */
#define FILL_GRACE_MS 1000
/* A fills list that left a fill untold (the venue's list lags its order
 * state) is asked again this much later per list read so far. */
#define FILL_RETRY_MS 2000

int
xg__act_fills_owed(const xg__state *st, const xg__order_rec *r)
{
    if (r->venue < 0 || r->venue_order_id[0] == '\0' ||
        !xg__orders_fills_owed(r)) {
        return 0;
    }
    /* Fills are told only where the venue's stream tells them: without
     * it the order events' cumulative quantity is all there is. */
    const xg__venue *v = &st->venues[r->venue];
    return v->stream.state != XG__STREAM_OFF &&
           (v->plugin->api->caps.streams & XG_STREAM_FILLS) != 0;
}

void
xg__act_watch_fills(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || r->fill_check_due || !xg__act_fills_owed(st, r)) {
        return;
    }
    const xg__venue *v = &st->venues[r->venue];
    int64_t wait = (xg__stream_is_live(&v->stream) ? FILL_GRACE_MS : 0) +
                   (int64_t)r->fill_lists * FILL_RETRY_MS;
    if (xg__deadlines_push(&st->fill_checks, st->now.wall_ms + wait, slot) !=
        XG_OK) {
        xg__error("venue %s: out of memory watching the fills of %s",
                  v->cfg->name, r->order.client_id);
        return;
    }
    r->fill_check_due = 1;
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
    xg__act_watch_fills(st, slot);
}

void
xg__act_restored(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (xg__lifecycle_is_open(r->status)) {
        count_open(st, r, 1);
    }
    /* A fill counted before the restart but never told. */
    xg__act_watch_fills(st, slot);
}

void
xg__act_report(xg__state *st, uint32_t slot, const xg_order_report *rep)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || xg_order_status_is_final(r->status)) {
        return;
    }
    if (r->amend_in_doubt != 0 && settle_amend(st, slot, r, rep)) {
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
    /* What an IOC or FOK order leaves, the venue cancels; some venues
     * call it canceled (Bybit, KuCoin's stream), some expired. Nobody
     * asked to cancel it: to the strategy it expired, whichever answer or
     * push tells it first. */
    if (want == XG_STATUS_CANCELED && !r->cancel_requested &&
        (r->order.tif == XG_TIF_IOC || r->order.tif == XG_TIF_FOK)) {
        want = XG_STATUS_EXPIRED;
    }
    if (want == XG_STATUS_UNKNOWN) {
        /* Accepted, state untold (it may have filled at once): record
         * the ack, then ask. */
        want = XG_STATUS_NEW;
        r->needs_query = 1;
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
    } else {
        r->needs_query = 0;
    }
    xg_execution exec;
    if (xg__execution_add(&r->replaced_exec, &rep->exec, &exec) != XG_OK) {
        exec = rep->exec; /* cannot happen below 2^63 units */
    }
    if (xg_order_status_is_final(want) && r->amend_requested) {
        /* A final status wins over an amend not yet settled; told
         * before it, as nothing of an order follows its final event. */
        end_amend(r);
        tell_amend_refused(st, r, XG_ERR_REJECTED, "the order ended first",
                           "", "");
    }
    xg__act_status(st, slot, want, &exec);
    resume_cancel(st, slot, r);
    resume_amend(st, slot, r);
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

/* r (in slot) is asked to cancel: journaled, and an amend not yet sent
 * is dropped, told as refused. */
static void
mark_cancel(xg__state *st, uint32_t slot, xg__order_rec *r)
{
    r->cancel_requested = 1;
    xg__persist_touch(&st->persist, r, slot);
    if (r->amend_requested && !r->amend_in_doubt &&
        !(r->in_flight & xg__op_bit(XG_OP_AMEND_ORDER))) {
        /* Not sent yet: the cancel makes it moot. */
        end_amend(r);
        tell_amend_refused(st, r, XG_ERR_REJECTED, "a cancel came first", "",
                           "");
    }
}

void
xg__act_cancel_with_symbol(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r != NULL && !r->cancel_requested && xg__lifecycle_is_open(r->status)) {
        mark_cancel(st, slot, r);
    }
}

void
xg__act_cancel_symbol_done(xg__state *st, xg__venue *v, const char *symbol,
                           int is_done)
{
    int vi = (int)xg__state_venue_index(st, v);
    size_t top = xg__orders_high_water(st->orders);
    for (uint32_t slot = 0; slot < top; slot++) {
        xg__order_rec *r = xg__orders_get(st->orders, slot);
        if (r == NULL || r->venue != vi || !r->cancel_requested ||
            !xg__lifecycle_is_open(r->status) ||
            (symbol != NULL && strcmp(r->order.symbol, symbol) != 0)) {
            continue;
        }
        if (is_done) {
            r->needs_query = 1;
            xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
        } else {
            xg__act_queue(st, slot, XG_OP_CANCEL_ORDER, 1);
        }
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
    mark_cancel(st, slot, r);
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

static const char *const amend_how_names[] = {"", "amend", "cancel_replace"};

void
xg__act_replacement_absent(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    end_amend(r);
    tell_amend_refused(st, r, XG_ERR_REJECTED,
                       "the venue canceled the order and has no replacement",
                       "", "");
    xg__act_status(st, slot, XG_STATUS_CANCELED, &r->replaced_exec);
}

xg_err
xg__act_can_amend(const xg__state *st, uint32_t slot, char *detail,
                  size_t detail_len)
{
    const xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (xg_order_status_is_final(r->status)) {
        snprintf(detail, detail_len, "order is already %s",
                 xg_order_status_name(r->status));
        return XG_ERR_REJECTED;
    }
    if (r->cancel_requested) {
        snprintf(detail, detail_len, "a cancel of the order is on its way");
        return XG_ERR_REJECTED;
    }
    if ((r->in_flight & xg__op_bit(XG_OP_AMEND_ORDER)) || r->amend_in_doubt) {
        snprintf(detail, detail_len,
                 "an amend of the order is on its way: wait for amended, "
                 "replaced or amend_rejected");
        return XG_ERR_BUSY;
    }
    return XG_OK;
}

xg_err
xg__act_amend(xg__state *st, uint32_t slot, xg_decimal price, xg_decimal qty,
              const char **how, char *detail, size_t detail_len)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r->status == XG_STATUS_PENDING) {
        /* Not sent yet: it leaves with the new values. */
        r->amend_price = price;
        r->amend_qty = qty;
        take_amend(st, slot, r, "amended");
        *how = "local";
        return XG_OK;
    }
    const xg__venue *v = &st->venues[r->venue];
    xg__amend_how h = xg__lifecycle_amend_how(v->plugin->api->caps.amend,
                                              &r->order, price, qty);
    if (h == XG__AMEND_CANNOT) {
        snprintf(detail, detail_len,
                 "venue %s cannot amend this order: cancel it and place "
                 "a new one",
                 v->cfg->name);
        return XG_ERR_UNSUPPORTED;
    }
    r->amend_is_replace = h == XG__AMEND_REPLACE;
    int is_out_of_ids = is_new_id_replace(st, r) &&
                        r->attempt + 1 >= XG_MAX_ATTEMPTS;
    r->amend_is_replace = 0;
    if (is_out_of_ids) {
        snprintf(detail, detail_len,
                 "the order has used all its venue client ids: cancel it "
                 "and place a new one");
        return XG_ERR_REJECTED;
    }
    r->amend_requested = 1;
    r->amend_price = price;
    r->amend_qty = qty;
    resume_amend(st, slot, r);
    *how = amend_how_names[h];
    return XG_OK;
}

void
xg__act_amend_sent(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (is_new_id_replace(st, r)) {
        /* Journaled before it leaves, as a new order is: after a crash,
         * recovery knows a replacement may exist under this id. */
        xg__persist_attempt_of(&st->persist, r, (uint8_t)(r->attempt + 1),
                               xg__state_venue_name(st, r),
                               XG_ATTEMPT_UNSETTLED, st->now.wall_ms);
    }
}

void
xg__act_amend_done(xg__state *st, uint32_t slot, const xg_result *res)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || xg_order_status_is_final(r->status) ||
        !r->amend_requested) {
        return;
    }
    if (!res->is_replaced) {
        take_amend(st, slot, r, "amended");
        if (res->order.status != XG_STATUS_UNKNOWN) {
            xg__act_report(st, slot, &res->order);
        }
        return;
    }
    switch_to_replacement(st, slot, r, &res->replaced_exec,
                          res->order.venue_order_id);
    if (res->order.status == XG_STATUS_REJECTED) {
        /* The cancel went through and the new order was refused: the
         * order is gone, with what it had executed. */
        tell_amend_refused(st, r, res->err != XG_OK ? res->err
                                                    : XG_ERR_REJECTED,
                           "the venue canceled the order and refused its "
                           "replacement",
                           res->venue_code, res->venue_msg);
        end_amend(r);
        xg__act_status(st, slot, XG_STATUS_CANCELED, &r->replaced_exec);
        return;
    }
    take_amend(st, slot, r, "replaced");
    xg_order_report rep = res->order;
    if (rep.status == XG_STATUS_UNKNOWN) {
        rep.status = XG_STATUS_NEW; /* said to exist; a query tells more */
        r->needs_query = 1;
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
    }
    xg__act_report(st, slot, &rep);
}

void
xg__act_amend_refused(xg__state *st, uint32_t slot, const xg_result *res)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || xg_order_status_is_final(r->status) ||
        !r->amend_requested) {
        return;
    }
    no_replacement(st, r);
    end_amend(r);
    tell_amend_refused(st, r, res->err != XG_OK ? res->err : XG_ERR_REJECTED,
                       "amend refused by the venue", res->venue_code,
                       res->venue_msg);
    if (res->err == XG_ERR_ORDER_NOT_FOUND) {
        /* Filled or gone meanwhile: a query says which. */
        r->needs_query = 1;
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
    }
}

void
xg__act_amend_unknown(xg__state *st, uint32_t slot)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (r == NULL || xg_order_status_is_final(r->status) ||
        !r->amend_requested) {
        return;
    }
    r->amend_in_doubt = XG_AMEND_ANSWER_LOST;
    r->needs_query = 1;
    xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
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
