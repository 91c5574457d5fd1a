/*
 * health.c - the venue state machine (see health.h). Pure: no clock of
 * its own, no calls out.
 *
 * | state     | entered on                      | leaves                  |
 * | STARTING  | start; a wait ended without     | instruments loaded: UP  |
 * |           | instruments ever loaded         |                         |
 * | THROTTLED | a rate-limit answer             | at its end, by itself   |
 * | BANNED    | a ban answer                    | at its end, by itself   |
 * | DOWN      | nothing could be sent, or a     | after the back-off, 250 |
 * |           | start-up request failed         | ms doubling to 30 s     |
 *
 * A ban outranks a throttle, and a longer wait of the same kind replaces
 * a shorter one, never the reverse. Only time ends a throttle or a ban:
 * a start-up answer that arrives during one leaves it in place.
 */
#include "health.h"

#include <string.h>

#include "xgate/buf.h"

static void
enter(xg__health_step *s, const xg__venue_health *cur, xg__venue_state st,
      int64_t until_mono_ms, const char *reason)
{
    s->health.state = st;
    s->health.until_mono_ms = until_mono_ms;
    xg_strlcpy(s->health.reason, reason, sizeof s->health.reason);
    s->is_changed = st != cur->state || until_mono_ms != cur->until_mono_ms ||
                    strcmp(s->health.reason, cur->reason) != 0;
    s->is_up = st == XG_VENUE_UP && cur->state != XG_VENUE_UP;
}

xg__health_step
xg__health_next(const xg__venue_health *cur, const xg__health_event *ev,
                int64_t throttle_default_ms, int is_ready, int64_t now_mono_ms)
{
    xg__health_step s;
    memset(&s, 0, sizeof s);
    s.health = *cur;
    switch (ev->kind) {
    case XG_HEALTH_STARTED:
        s.health.down_backoff_ms = 0;
        if (cur->state == XG_VENUE_THROTTLED || cur->state == XG_VENUE_BANNED) {
            /* A throttle or ban met by another start-up request holds:
             * the venue is UP when it ends (TICK, with instruments). */
            break;
        }
        enter(&s, cur, XG_VENUE_UP, 0, "");
        break;
    case XG_HEALTH_ANSWERED:
        if (cur->state == XG_VENUE_UP) {
            s.health.down_backoff_ms = 0;
        }
        break;
    case XG_HEALTH_RATE_LIMITED: {
        int64_t wait = ev->wait_ms > 0 ? ev->wait_ms : throttle_default_ms;
        int64_t until = now_mono_ms + wait;
        if (cur->state == XG_VENUE_BANNED ||
            (cur->state == XG_VENUE_THROTTLED && cur->until_mono_ms >= until)) {
            break;
        }
        enter(&s, cur, XG_VENUE_THROTTLED, until, ev->reason);
        s.ready_mono_ms = until;
        break;
    }
    case XG_HEALTH_BANNED:
        if (cur->state != XG_VENUE_BANNED ||
            cur->until_mono_ms < ev->until_mono_ms) {
            enter(&s, cur, XG_VENUE_BANNED, ev->until_mono_ms, ev->reason);
        }
        s.move_reason = "banned";
        s.ready_mono_ms = s.health.until_mono_ms;
        break;
    case XG_HEALTH_UNREACHABLE: {
        int64_t b = cur->down_backoff_ms == 0 ? XG_DOWN_BACKOFF_MIN_MS
                                              : cur->down_backoff_ms * 2;
        s.health.down_backoff_ms =
            b > XG_DOWN_BACKOFF_MAX_MS ? XG_DOWN_BACKOFF_MAX_MS : b;
        enter(&s, cur, XG_VENUE_DOWN, now_mono_ms + s.health.down_backoff_ms,
              ev->reason);
        s.move_reason = "down";
        s.ready_mono_ms = s.health.until_mono_ms;
        break;
    }
    case XG_HEALTH_TICK:
        if (cur->until_mono_ms == 0 || now_mono_ms < cur->until_mono_ms) {
            break;
        }
        enter(&s, cur, is_ready ? XG_VENUE_UP : XG_VENUE_STARTING, 0, "");
        break;
    }
    return s;
}

int64_t
xg__health_rate_limit_wait_ms(const xg_result *res, int64_t venue_now_ms)
{
    int64_t wait = res->retry_after_ms;
    if (res->retry_at_ms > 0) {
        int64_t until = res->retry_at_ms - venue_now_ms;
        wait = until > wait ? until : wait;
    }
    return wait;
}

int64_t
xg__health_ban_until_mono_ms(const xg_result *res, int64_t now_mono_ms,
                             int64_t venue_now_ms, int64_t offset_error_ms,
                             int64_t clock_guard_ms, int64_t ban_default_ms)
{
    int64_t until;
    if (res->banned_until_ms > 0) {
        until = now_mono_ms + (res->banned_until_ms - venue_now_ms) +
                offset_error_ms + clock_guard_ms;
    } else if (res->retry_after_ms > 0) {
        until = now_mono_ms + res->retry_after_ms;
    } else {
        until = now_mono_ms + ban_default_ms;
    }
    return until > now_mono_ms ? until : now_mono_ms + 1;
}
