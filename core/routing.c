/*
 * routing.c - carrying out where orders go (see routing.h).
 */
#include "routing.h"

#include <stdio.h>
#include <string.h>

#include "act.h"
#include "log.h"
#include "xgate/buf.h"

/* How a move of one order turned out. */
typedef enum move_result { KEPT, MOVED, REJECTED } move_result;

/* What a move may do besides moving: reject an order no venue can take
 * in time, or (when only offering a venue that came up) neither. */
typedef enum move_mode { MAY_REJECT, ONLY_TO_READY } move_mode;

static int64_t
deadline_mono_ms(const xg__state *st, int64_t deadline_ms)
{
    return deadline_ms > 0 ? deadline_ms - st->now.wall_ms + st->now.mono_ms
                           : 0;
}

static int64_t
to_wall_ms(const xg__state *st, int64_t mono_ms)
{
    return mono_ms > 0 ? st->now.wall_ms + (mono_ms - st->now.mono_ms) : 0;
}

/* The word a wait on v is told with. */
static const char *
wait_reason(const xg__venue *v)
{
    switch (v->health.state) {
    case XG_VENUE_THROTTLED:
        return "throttled";
    case XG_VENUE_BANNED:
        return "banned";
    case XG_VENUE_DOWN:
        return "down";
    case XG_VENUE_STARTING:
        return "starting";
    case XG_VENUE_UP:
        break;
    }
    return "rate limit";
}

xg__want
xg__routing_new_want(const xg__state *st, const xg_order *o,
                     const uint8_t *route, size_t n_route, int is_requantize,
                     int64_t deadline_ms)
{
    xg__want w = {
        o,  route, n_route, is_requantize, deadline_mono_ms(st, deadline_ms),
        -1, "",    0};
    return w;
}

void
xg__routing_accept(xg__state *st, uint32_t slot, const xg__choice *c)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    r->order = c->placed;
    r->venue = c->venue;
    xg__order_set_attempt(r, 1);
    xg__persist_touch(&st->persist, r, slot);
    if (r->deadline_ms > 0 &&
        xg__deadlines_push(&st->deadlines, r->deadline_ms, slot) != XG_OK) {
        xg__warn("order %s: no memory to watch its deadline",
                 r->order.client_id);
    }
    xg__act_queue(st, slot, XG_OP_NEW_ORDER, 0);
}

/* A rerouted event: r went to its venue from `from` for reason, passing
 * over skipped (from among them or not). */
static void
tell_rerouted(xg__state *st, const xg__order_rec *r, int from,
              const char *reason, int64_t from_until_mono_ms,
              const xg__skip *skipped, size_t n_skipped)
{
    xg_skip_view views[XG_MAX_ROUTE + 1];
    size_t n = 0;
    views[n++] = (xg_skip_view){st->venues[from].cfg->name, reason,
                                to_wall_ms(st, from_until_mono_ms)};
    for (size_t i = 0; i < n_skipped && n < XG_MAX_ROUTE + 1; i++) {
        if (skipped[i].venue != from) {
            views[n++] = (xg_skip_view){
                st->venues[skipped[i].venue].cfg->name, skipped[i].reason,
                to_wall_ms(st, skipped[i].until_mono_ms)};
        }
    }
    xg_reroute_view rr = {
        views[0].venue, xg__state_venue_name(st, r),
        reason,         strcmp(reason, "banned") == 0 ? views[0].until_ms : 0,
        views,          n};
    xg__events_rerouted(&st->events, &r->order, &rr, st->now.wall_ms);
}

/* r waits on its venue until until_mono_ms (0: not known): told. */
static void
tell_waiting(xg__state *st, uint32_t slot, int64_t until_mono_ms)
{
    const xg__order_rec *r = xg__orders_get(st->orders, slot);
    const xg__venue *v = &st->venues[r->venue];
    if (v->health.state != XG_VENUE_UP && until_mono_ms > 0) {
        xg__act_tell_wait(st, slot, until_mono_ms - st->now.mono_ms,
                          wait_reason(v));
    }
}

void
xg__routing_announce(xg__state *st, uint32_t slot, const xg__choice *c)
{
    const xg__order_rec *r = xg__orders_get(st->orders, slot);
    if (c->n_skipped > 0) {
        const xg__skip *first = &c->skipped[0];
        tell_rerouted(st, r, first->venue, first->reason, first->until_mono_ms,
                      c->skipped, c->n_skipped);
    }
    tell_waiting(st, slot, c->until_mono_ms);
}

/* Move the new order in slot (neither queued nor sent) off its venue for
 * reason, as the chooser says; it is left unqueued when KEPT. */
static move_result
move_one(xg__state *st, uint32_t slot, const char *reason,
         int64_t ready_mono_ms, move_mode mode)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    xg_order asked = r->order;
    asked.qty = r->asked_qty;
    asked.price = r->asked_price;
    xg__want w = {&asked,
                  r->route,
                  r->n_route,
                  r->is_requantize,
                  deadline_mono_ms(st, r->deadline_ms),
                  r->venue,
                  reason,
                  ready_mono_ms};
    xg__choice c;
    xg__placement_choose(st->venues, &w, st->now.mono_ms, st->now.wall_ms, &c);
    if (c.venue == r->venue || (mode == ONLY_TO_READY && c.is_waiting)) {
        return KEPT;
    }
    if (c.venue < 0 || r->attempt >= XG_MAX_ATTEMPTS) {
        if (mode == ONLY_TO_READY) {
            return KEPT;
        }
        int is_late =
            strcmp(reason, "deadline") == 0 || strcmp(reason, "throttled") == 0;
        char detail[XG_DETAIL_MAX];
        snprintf(detail, sizeof detail, "%s: %.130s",
                 c.venue < 0 ? "no venue can take it" : "no attempt left",
                 c.detail);
        xg__act_reject(st, slot, is_late ? XG_ERR_DEADLINE : XG_ERR_NO_VENUE,
                       detail, NULL);
        return REJECTED;
    }
    int from = r->venue;
    /* It never executed on `from`: that attempt is not on the venue. */
    xg__persist_attempt(&st->persist, r, st->venues[from].cfg->name,
                        XG_ATTEMPT_ABSENT, st->now.wall_ms);
    r->order = c.placed;
    r->venue = c.venue;
    xg__order_set_attempt(r, (uint8_t)(r->attempt + 1));
    r->wait_told = 0;
    r->resynced = 0;
    xg__persist_touch(&st->persist, r, slot);
    tell_rerouted(st, r, from, reason, ready_mono_ms, c.skipped, c.n_skipped);
    xg__act_queue(st, slot, XG_OP_NEW_ORDER, 0);
    tell_waiting(st, slot, c.until_mono_ms);
    return MOVED;
}

/* Take every new order queued on v through a move for reason, in queue
 * order; with is_only_late, only those whose deadline falls before
 * ready_mono_ms. Kept ones keep their order in the queue and are told
 * they wait. */
static void
move_queued(xg__state *st, xg__venue *v, const char *reason,
            int64_t ready_mono_ms, move_mode mode, int is_only_late)
{
    int vi = (int)xg__state_venue_index(st, v);
    for (size_t n = v->normal.len; n > 0; n--) {
        xg__pending p = *xg__queue_peek(&v->normal);
        xg__queue_pop(&v->normal);
        xg__order_rec *r = xg__orders_get(st->orders, p.order);
        if (r == NULL || r->serial != p.serial) {
            continue; /* left behind by a finished order */
        }
        r->queued &= (uint16_t)~xg__op_bit(XG_OP_NEW_ORDER);
        if (r->status != XG_STATUS_PENDING || r->venue != vi) {
            continue;
        }
        int is_late = r->deadline_ms > 0 &&
                      deadline_mono_ms(st, r->deadline_ms) < ready_mono_ms;
        if ((is_only_late && !is_late) ||
            move_one(st, p.order, reason, ready_mono_ms, mode) == KEPT) {
            xg__act_queue(st, p.order, XG_OP_NEW_ORDER, 0);
            tell_waiting(st, p.order, ready_mono_ms);
        }
    }
}

void
xg__routing_late(xg__state *st, xg__venue *v, int64_t ready_mono_ms,
                 const char *reason)
{
    move_queued(st, v, reason, ready_mono_ms, MAY_REJECT, 1);
}

/* up can take orders now: the new orders waiting on banned or down
 * venues move to it, or to another venue that can send them, if their
 * routes allow; the others keep waiting, never rejected for it. */
static void
offer(xg__state *st, const xg__venue *up)
{
    for (size_t i = 0; i < st->n_venues; i++) {
        xg__venue *w = &st->venues[i];
        xg__venue_state s = w->health.state;
        if (w != up && w->normal.len > 0 &&
            (s == XG_VENUE_BANNED || s == XG_VENUE_DOWN)) {
            move_queued(st, w, wait_reason(w), w->health.until_mono_ms,
                        ONLY_TO_READY, 0);
        }
    }
}

/* v cannot send for now: the strategies whose cancels wait in its queue
 * are told (once each), whether the cancel was asked for before or after
 * the venue stopped. */
static void
hold_cancels(xg__state *st, const xg__venue *v)
{
    for (size_t i = 0; i < v->cancels.len; i++) {
        const xg__pending *p = xg__queue_at(&v->cancels, i);
        const xg__order_rec *r = xg__orders_get(st->orders, p->order);
        if (r != NULL && r->serial == p->serial) {
            xg__act_cancel_held(st, p->order);
        }
    }
}

void
xg__routing_venue(xg__state *st, xg__venue *v, const xg__health_event *ev)
{
    xg__health_step s =
        xg__health_next(&v->health, ev, v->cfg->throttle_default_ms,
                        xg__venue_is_ready(v), st->now.mono_ms);
    v->health = s.health;
    if (s.is_changed) {
        const char *why = s.health.reason;
        xg__info("venue %s: %s%s%s", v->cfg->name,
                 xg__venue_state_name(s.health.state), why[0] ? ": " : "", why);
        xg__act_tell_venue(st, v);
    }
    if (s.is_changed && s.health.state != XG_VENUE_UP) {
        hold_cancels(st, v);
    }
    if (s.move_reason != NULL) {
        move_queued(st, v, s.move_reason, s.ready_mono_ms, MAY_REJECT, 0);
    } else if (s.ready_mono_ms > 0) {
        move_queued(st, v, wait_reason(v), s.ready_mono_ms, MAY_REJECT, 1);
    }
    if (s.is_up) {
        offer(st, v);
    }
    xg__state_mark(st, v);
}

void
xg__routing_deadlines(xg__state *st)
{
    xg__deadline d;
    while (xg__deadlines_pop_due(&st->deadlines, st->now.wall_ms, &d)) {
        xg__order_rec *r = xg__orders_get(st->orders, d.slot);
        if (r == NULL || r->deadline_ms != d.at_ms ||
            r->status != XG_STATUS_PENDING) {
            continue; /* sent, finished, or another order's slot now */
        }
        const xg__venue *v = &st->venues[r->venue];
        char detail[XG_DETAIL_MAX];
        snprintf(detail, sizeof detail,
                 "max_wait_ms passed before %s could send it (%s)",
                 v->cfg->name, xg__venue_state_name(v->health.state));
        xg__act_reject(st, d.slot, XG_ERR_DEADLINE, detail, NULL);
    }
}
