/*
 * health.c - venue health: the state a venue is in (STARTING, UP,
 * THROTTLED, BANNED, DOWN), what moves it from one to another, and what
 * each move does to the new orders queued there.
 *
 * router.c sends operations and applies each outcome to its order; an
 * answer that concerns the venue itself (a rate limit, a ban, a start-up
 * request answered or failed, a connection that cannot be made) comes
 * here. A venue that cannot take new orders for a while hands its queued
 * ones to placement.c to move elsewhere; cancels and queries wait for it.
 * Every change is logged and published as a `venue` event.
 */
#include "health.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

#define DOWN_BACKOFF_MIN_MS 250
#define DOWN_BACKOFF_MAX_MS 30000

static void
set_state(xg__gateway *gw, xg__venue *v, xg__venue_state st,
          int64_t until_mono_ms, const char *reason)
{
    int changed = v->state != st || v->until_mono_ms != until_mono_ms;
    v->state = st;
    v->until_mono_ms = until_mono_ms;
    v->until_venue_ms =
        until_mono_ms > 0
            ? xg__venue_now_ms(gw, v) + (until_mono_ms - gw->now.mono_ms)
            : 0;
    xg_strlcpy(v->reason, reason, sizeof v->reason);
    if (changed) {
        xg__info("venue %s: %s%s%s", v->cfg->name, xg__venue_state_name(st),
                 reason[0] ? ": " : "", reason);
        xg__gw_publish_venue(gw, v);
        xg__gw_check_ready(gw); /* a venue that failed start-up counts */
    }
}

/* v can take orders: UP, and the new orders waiting on a banned or
 * unreachable venue may move to it. */
static void
venue_up(xg__gateway *gw, xg__venue *v)
{
    set_state(gw, v, XG_VENUE_UP, 0, "");
    if (xg__place_waiting_elsewhere(gw, v) > 0) {
        xg__router_pump_all(gw);
    }
}

/* The new order in refused_slot (XG_ORDER_NONE: none) never executed on
 * v (its request never left, or a ban refused it): first in line again,
 * as it was, before the queue moves on to other venues. */
static void
requeue_refused(xg__gateway *gw, xg__venue *v, uint32_t refused_slot)
{
    if (refused_slot != XG_ORDER_NONE) {
        xg__router_retry(gw, v, refused_slot, XG_OP_NEW_ORDER,
                         xg__orders_get(gw->orders, refused_slot));
    }
}

/* The venue never saw the orders moved here, so they cannot be placed
 * twice. One that no other venue can take keeps its place, unless its own
 * deadline would pass first: rejecting it would turn a connect failure of
 * a fraction of a second into lost orders on a one-venue route. */
void
xg__health_down(xg__gateway *gw, xg__venue *v, const char *why,
                uint32_t refused_slot)
{
    v->down_backoff_ms =
        v->down_backoff_ms == 0 ? DOWN_BACKOFF_MIN_MS : v->down_backoff_ms * 2;
    if (v->down_backoff_ms > DOWN_BACKOFF_MAX_MS) {
        v->down_backoff_ms = DOWN_BACKOFF_MAX_MS;
    }
    set_state(gw, v, XG_VENUE_DOWN, gw->now.mono_ms + v->down_backoff_ms, why);

    requeue_refused(gw, v, refused_slot);
    size_t moved = xg__place_queued_elsewhere(gw, v, "down", XG_OK);
    moved +=
        xg__place_late_elsewhere(gw, v, gw->now.wall_ms + v->down_backoff_ms);
    if (moved > 0) {
        xg__router_pump_all(gw);
    }
}

/* How long a RATE_LIMITED answer asks us to wait, relative or absolute. */
static int64_t
rate_limit_wait_ms(const xg__gateway *gw, const xg__venue *v,
                   const xg_result *res)
{
    int64_t wait = res->retry_after_ms;
    if (res->retry_at_ms > 0) {
        int64_t until = res->retry_at_ms - xg__venue_now_ms(gw, v);
        wait = until > wait ? until : wait;
    }
    return wait;
}

void
xg__health_throttled(xg__gateway *gw, xg__venue *v, int64_t wait_ms,
                     const char *why)
{
    if (wait_ms <= 0) {
        wait_ms = v->cfg->throttle_default_ms;
    }
    int64_t until = gw->now.mono_ms + wait_ms;
    if (v->state == XG_VENUE_BANNED) {
        return; /* a ban outranks a throttle */
    }
    if (v->state == XG_VENUE_THROTTLED && v->until_mono_ms >= until) {
        return;
    }
    set_state(gw, v, XG_VENUE_THROTTLED, until, why);
    if (xg__place_late_elsewhere(gw, v, gw->now.wall_ms + wait_ms) > 0) {
        xg__router_pump_all(gw);
    }
}

/* A ban: nothing more goes to v until it ends (a request during a ban
 * extends it). The refused new order (slot, if any) and every new order
 * queued on v move to other venues; cancels and queries wait. */
static void
venue_banned(xg__gateway *gw, xg__venue *v, const xg_result *res,
             uint32_t refused_slot)
{
    int64_t until;
    if (res->banned_until_ms > 0) {
        /* The venue's clock, converted through the measured offset. That
         * offset is only known to within half its round trip, and a
         * request a millisecond early extends the ban: wait out the
         * uncertainty and the clock guard too. */
        until = gw->now.mono_ms +
                (res->banned_until_ms - xg__venue_now_ms(gw, v)) +
                v->offset_error_ms + v->cfg->clock_guard_ms;
    } else if (res->retry_after_ms > 0) {
        until = gw->now.mono_ms + res->retry_after_ms;
    } else {
        until = gw->now.mono_ms + v->cfg->ban_default_ms;
    }
    if (until <= gw->now.mono_ms) {
        until = gw->now.mono_ms + 1;
    }
    if (v->state != XG_VENUE_BANNED || v->until_mono_ms < until) {
        char why[XG_VENUE_MSG_MAX];
        snprintf(why, sizeof why, "IP banned (%.23s %.120s)", res->venue_code,
                 res->venue_msg);
        set_state(gw, v, XG_VENUE_BANNED, until, why);
    }
    requeue_refused(gw, v, refused_slot);
    (void)xg__place_queued_elsewhere(gw, v, "banned", XG_ERR_NO_VENUE);
    xg__router_pump_all(gw);
}

int
xg__health_refused(xg__gateway *gw, xg__venue *v, xg__order_rec *r,
                   uint32_t slot, xg_op_kind kind, const xg_result *res)
{
    if (res->outcome == XG_OUTCOME_RATE_LIMITED) {
        xg__health_throttled(gw, v, rate_limit_wait_ms(gw, v, res),
                             "rate limited");
        xg__router_retry(gw, v, slot, kind, r);
        return 1;
    }
    if (res->outcome != XG_OUTCOME_BANNED) {
        return 0;
    }
    if (kind == XG_OP_NEW_ORDER) {
        venue_banned(gw, v, res, slot);
        return 1;
    }
    xg__router_retry(gw, v, slot, kind, r);
    venue_banned(gw, v, res, XG_ORDER_NONE);
    if (kind == XG_OP_CANCEL_ORDER) {
        xg__gw_publish_order(gw, "cancel_waiting", r);
    }
    return 1;
}

static void
venue_op_ok(xg__gateway *gw, xg__venue *v, xg_op_kind kind,
            const xg_result *res)
{
    if (kind == XG_OP_SERVER_TIME) {
        int64_t mid = (v->time_sent_wall_ms + gw->now.wall_ms) / 2;
        v->offset_ms = res->server_time_ms - mid;
        v->offset_error_ms = (gw->now.wall_ms - v->time_sent_wall_ms + 1) / 2;
        v->has_time = 1;
        v->next_resync_mono_ms = gw->now.mono_ms + v->cfg->resync_interval_ms;
        xg__debug("venue %s: clock offset %lld ms", v->cfg->name,
                  (long long)v->offset_ms);
        return;
    }
    if (kind != XG_OP_INSTRUMENTS) {
        return;
    }
    char err[160];
    if (xg__venue_set_instruments(v, gw->ins_scratch, gw->n_ins_scratch) !=
            XG_OK ||
        xg__venue_rebuild_limiter(v, err, sizeof err) != XG_OK) {
        xg__health_down(gw, v, "cannot use the venue's instruments or limits",
                        XG_ORDER_NONE);
        xg__router_push(v, XG_ORDER_NONE, XG_OP_INSTRUMENTS, 1);
        return;
    }
    xg__info("venue %s: %zu instruments, %zu limiter buckets", v->cfg->name,
             v->n_instruments, xg_limiter_bucket_count(v->limiter));
    v->down_backoff_ms = 0;
    venue_up(gw, v);
    xg__gw_check_ready(gw);
}

void
xg__health_start(xg__gateway *gw, xg__venue *v)
{
    (void)gw;
    v->state = XG_VENUE_STARTING;
    xg__router_push(v, XG_ORDER_NONE, XG_OP_SERVER_TIME, 0);
    xg__router_push(v, XG_ORDER_NONE, XG_OP_INSTRUMENTS, 0);
}

/* A request that did not succeed is asked again, first in line. */
void
xg__health_venue_answer(xg__gateway *gw, xg__venue *v, xg_op_kind kind,
                        const xg_result *res)
{
    switch (res->outcome) {
    case XG_OUTCOME_OK:
        venue_op_ok(gw, v, kind, res);
        return;
    case XG_OUTCOME_RATE_LIMITED:
        xg__health_throttled(gw, v, rate_limit_wait_ms(gw, v, res),
                             "rate limited");
        break;
    case XG_OUTCOME_BANNED:
        venue_banned(gw, v, res, XG_ORDER_NONE);
        break;
    default: {
        char why[XG_VENUE_MSG_MAX];
        snprintf(why, sizeof why, "start-up request failed: %.23s %.100s",
                 res->venue_code, res->venue_msg);
        xg__health_down(gw, v, why, XG_ORDER_NONE);
        break;
    }
    }
    xg__router_push(v, XG_ORDER_NONE, kind, 1);
}

int
xg__health_expire(xg__gateway *gw, xg__venue *v)
{
    if (v->until_mono_ms == 0 || gw->now.mono_ms < v->until_mono_ms) {
        return 0;
    }
    if (v->n_instruments == 0) {
        set_state(gw, v, XG_VENUE_STARTING, 0, "");
        return 1;
    }
    venue_up(gw, v);
    return 1;
}
