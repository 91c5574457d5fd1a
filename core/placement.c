/*
 * placement.c - which venue holds an order: the first placement of a new
 * order, and moving orders that never executed to another venue when
 * theirs is banned or would make them outwait their deadline.
 *
 * Owns the venue choice (route, state, instrument rules, re-quantising
 * from the strategy's own price and quantity) and the venue attempt ids.
 * Leaves sending and outcomes to router.c. Moving an order is safe only
 * because every caller hands over orders the venue refused or never saw.
 */
#include "gateway_int.h"

#include <stdio.h>
#include <string.h>

#include "persist.h"
#include "xgate/buf.h"

/* Each venue attempt sends gw_id plus one base-36 attempt digit: a retry
 * on the same venue reuses it (the venue refuses a duplicate), a move to
 * another venue takes the next. */
static void
set_attempt(xg__order_rec *r, uint8_t attempt)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    r->attempt = attempt;
    xg_buf b;
    xg_buf_init(&b, r->venue_client_id, sizeof r->venue_client_id);
    xg_buf_puts(&b, r->gw_id);
    xg_buf_putc(&b, digits[attempt % 36]);
}

/* Can venue v take this order? Fills *out (possibly requantized). */
static xg_err
fit_order(const xg__venue *v, const xg_order *want, int requantize,
          xg_order *out, char *detail, size_t detail_len)
{
    if (v->state == XG_VENUE_BANNED || v->state == XG_VENUE_DOWN) {
        snprintf(detail, detail_len, "venue %s is %s", v->cfg->name,
                 xg__venue_state_name(v->state));
        return XG_ERR_NO_VENUE;
    }
    const xg_instrument *ins = xg__venue_instrument(v, want->symbol);
    if (ins == NULL) {
        snprintf(detail, detail_len, "%s not listed on %s", want->symbol,
                 v->cfg->name);
        return XG_ERR_UNKNOWN_SYMBOL;
    }
    *out = *want;
    if (requantize) {
        xg_err e = xg_order_requantize(out, ins);
        if (e != XG_OK) {
            snprintf(detail, detail_len, "cannot round to %s's steps: %s",
                     v->cfg->name, xg_strerror(e));
            return e;
        }
    }
    return xg_order_validate(out, ins, detail, detail_len);
}

static int
find_venue(const xg__gateway *gw, const char *name)
{
    for (size_t i = 0; i < gw->n_venues; i++) {
        if (strcmp(gw->venues[i].cfg->name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* Whether a venue of r's route other than from_i is still starting: its
 * instruments are not loaded yet, so it cannot take r now but may soon. */
static int
route_is_starting(const xg__gateway *gw, const xg__order_rec *r, size_t from_i)
{
    for (size_t i = 0; i < r->n_route; i++) {
        if (r->route[i] != from_i &&
            gw->venues[r->route[i]].state == XG_VENUE_STARTING) {
            return 1;
        }
    }
    return 0;
}

/* The order never executed on venue `from` (refused by its ban, never
 * sent because `from` could not be reached, or still queued there): move
 * it to the first other venue of its route that can take it, as a new
 * attempt under a new venue client order id, or reject it with fail_err
 * and the reason the first candidate gave. An order is left exactly as it
 * was (still on `from` and PENDING, not queued anywhere), for the caller
 * to keep queued there, when fail_err is XG_OK ("no reject"), or when it
 * is XG_ERR_NO_VENUE while another venue of its route is still starting:
 * right after a restart a ban must not reject orders that a venue about
 * to come up can take (xg__place_waiting_elsewhere moves them then). */
void
xg__place_elsewhere(xg__gateway *gw, xg__venue *from, xg__order_rec *r,
                    uint32_t slot, const char *reason, xg_err fail_err)
{
    xg_order want = r->order;
    want.qty = r->asked_qty;
    want.price = r->asked_price;
    size_t from_i = xg__venue_index(gw, from);
    char why[XG_DETAIL_MAX] = "no other venue in the order's route";
    int first = 1;
    for (size_t i = 0; i < r->n_route; i++) {
        if (r->route[i] == from_i) {
            continue;
        }
        xg__venue *to = &gw->venues[r->route[i]];
        xg_order placed;
        char d[XG_DETAIL_MAX];
        if (fit_order(to, &want, r->is_requantize, &placed, d, sizeof d) !=
            XG_OK) {
            if (first) {
                xg_strlcpy(why, d, sizeof why);
                first = 0;
            }
            continue;
        }
        if (r->attempt >= XG_MAX_ATTEMPTS) {
            break;
        }
        /* The ban refused it (or it never left): not on `from`. */
        xg__persist_attempt(gw, r, XG_ATTEMPT_ABSENT);
        r->order = placed;
        r->venue = (int)r->route[i];
        set_attempt(r, (uint8_t)(r->attempt + 1));
        xg__persist_touch(gw, slot);
        r->status = XG_STATUS_PENDING;
        r->waiting_reported = 0;
        r->resynced = 0;
        /* The protocol's ban_until_ms is the ban's end, 0 for any other
         * reason (a throttle's or a back-off's end is not a ban). */
        int64_t ban_until =
            from->state == XG_VENUE_BANNED && from->until_mono_ms > 0
                ? gw->now.wall_ms + (from->until_mono_ms - gw->now.mono_ms)
                : 0;
        xg__gw_publish_rerouted(gw, r, from->cfg->name, to->cfg->name, reason,
                                ban_until);
        xg__router_push(to, slot, XG_OP_NEW_ORDER, 0);
        return;
    }
    if (fail_err == XG_OK ||
        (fail_err == XG_ERR_NO_VENUE && route_is_starting(gw, r, from_i))) {
        r->status = XG_STATUS_PENDING;
        return;
    }
    char detail[XG_DETAIL_MAX];
    snprintf(detail, sizeof detail,
             "%s: %s is %s and no venue can take it: %.80s", reason,
             from->cfg->name, xg__venue_state_name(from->state), why);
    xg__router_reject(gw, r, slot, fail_err, detail, NULL);
}

size_t
xg__place_queued_elsewhere(xg__gateway *gw, xg__venue *v, const char *reason,
                           xg_err fail_err)
{
    size_t vi = xg__venue_index(gw, v);
    size_t moved = 0;
    for (size_t n = v->normal.len; n > 0; n--) {
        xg__pending p = *xg__queue_peek(&v->normal);
        xg__queue_pop(&v->normal);
        xg__order_rec *r = xg__orders_get(gw->orders, p.slot);
        if (!xg__router_is_needed(r, XG_OP_NEW_ORDER, (int)vi)) {
            continue;
        }
        xg__place_elsewhere(gw, v, r, p.slot, reason, fail_err);
        if (xg__router_is_needed(r, XG_OP_NEW_ORDER, (int)vi)) {
            xg__queue_push(&v->normal, p);
        } else {
            moved += r->venue != (int)vi;
        }
    }
    return moved;
}

size_t
xg__place_waiting_elsewhere(xg__gateway *gw, const xg__venue *up)
{
    size_t moved = 0;
    for (size_t i = 0; i < gw->n_venues; i++) {
        xg__venue *v = &gw->venues[i];
        if (v == up || v->normal.len == 0 ||
            (v->state != XG_VENUE_BANNED && v->state != XG_VENUE_DOWN)) {
            continue;
        }
        /* Only a move: an order no venue can take yet keeps waiting for
         * its own venue, as it did before `up` came back. */
        moved += xg__place_queued_elsewhere(
            gw, v, v->state == XG_VENUE_BANNED ? "banned" : "down", XG_OK);
    }
    return moved;
}

/* v cannot send new orders before ready_ms (wall): orders queued there
 * whose own deadline (max_wait_ms) falls earlier move on now, the others
 * keep their place. Returns how many moved. */
size_t
xg__place_late_elsewhere(xg__gateway *gw, xg__venue *v, int64_t ready_ms)
{
    size_t vi = xg__venue_index(gw, v);
    size_t moved = 0;
    for (size_t n = v->normal.len; n > 0; n--) {
        xg__pending p = *xg__queue_peek(&v->normal);
        xg__queue_pop(&v->normal);
        xg__order_rec *r = xg__orders_get(gw->orders, p.slot);
        if (!xg__router_is_needed(r, XG_OP_NEW_ORDER, (int)vi)) {
            continue;
        }
        if (r->deadline_ms > 0 && r->deadline_ms < ready_ms) {
            xg__place_elsewhere(gw, v, r, p.slot, "deadline", XG_ERR_DEADLINE);
            moved++;
        } else {
            xg__queue_push(&v->normal, p);
        }
    }
    return moved;
}

xg_err
xg__place_new(xg__gateway *gw, const xg_msg *msg, uint32_t *slot, char *detail,
              size_t detail_len)
{
    uint8_t route[XG_MAX_ROUTE];
    size_t n_route = 0;
    if (msg->n_venues > 0) {
        for (size_t i = 0; i < msg->n_venues; i++) {
            int vi = find_venue(gw, msg->venues[i]);
            if (vi < 0) {
                snprintf(detail, detail_len, "venue %s is not configured",
                         msg->venues[i]);
                return XG_ERR_UNKNOWN_VENUE;
            }
            route[n_route++] = (uint8_t)vi;
        }
    } else {
        const xg__route *cr = xg__config_route(gw->cfg, msg->order.symbol);
        size_t n = cr != NULL ? cr->n_venues : gw->n_venues;
        for (size_t i = 0; i < n && n_route < XG_MAX_ROUTE; i++) {
            int vi = cr != NULL ? find_venue(gw, cr->venues[i]) : (int)i;
            route[n_route++] = (uint8_t)vi;
        }
    }

    /* The client order id first: the order is checked whole. */
    xg_order want = msg->order;
    if (want.client_id[0] == '\0') {
        xg__orders_new_client_id(gw->orders, want.client_id);
    }
    xg_order placed;
    int chosen = -1;
    xg_err first_err = XG_ERR_NO_VENUE;
    char why[XG_DETAIL_MAX] = "no venue configured for the symbol";
    for (size_t i = 0; i < n_route && chosen < 0; i++) {
        char d[XG_DETAIL_MAX];
        xg_err e = fit_order(&gw->venues[route[i]], &want, msg->requantize,
                             &placed, d, sizeof d);
        if (e == XG_OK) {
            chosen = route[i];
        } else if (i == 0) {
            first_err = e;
            xg_strlcpy(why, d, sizeof why);
        }
    }
    if (chosen < 0) {
        xg_strlcpy(detail, why, detail_len);
        return first_err;
    }

    xg_err e = xg__orders_add(gw->orders, want.client_id, slot);
    if (e != XG_OK) {
        snprintf(detail, detail_len, "%s",
                 e == XG_ERR_DUPLICATE_ID ? "client_order_id already used"
                                          : "order table full");
        return e;
    }
    xg__order_rec *r = xg__orders_get(gw->orders, *slot);
    r->order = placed;
    memcpy(r->route, route, n_route);
    r->n_route = (uint8_t)n_route;
    r->is_requantize = (uint8_t)msg->requantize;
    r->deadline_ms =
        msg->max_wait_ms > 0 ? gw->now.wall_ms + msg->max_wait_ms : 0;
    r->asked_qty = want.qty;
    r->asked_price = want.price;
    r->venue = chosen;
    set_attempt(r, 1);
    xg__persist_touch(gw, *slot);
    xg__router_push(&gw->venues[chosen], *slot, XG_OP_NEW_ORDER, 0);
    return XG_OK;
}
