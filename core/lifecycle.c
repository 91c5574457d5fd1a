/*
 * lifecycle.c - the order lifecycle's rules (see lifecycle.h).
 *
 *  PENDING -> SENT -> NEW -> PARTIALLY_FILLED -> FILLED / CANCELED / EXPIRED
 *     |        |--> UNKNOWN --(venue answers)--> any state after SENT,
 *     |        |                                 or PENDING (never got it)
 *     |        |--> PENDING (refused before execution: due again)
 *     |        +--> REJECTED / FILLED / CANCELED / EXPIRED
 *     +--> REJECTED (router) / CANCELED (withdrawn before sending)
 */
#include "lifecycle.h"

int
xg__lifecycle_is_open(xg_order_status st)
{
    return st == XG_STATUS_NEW || st == XG_STATUS_PARTIALLY_FILLED;
}

static const char *
event_of(xg_order_status st)
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
    case XG_STATUS_UNKNOWN:
        return "unknown";
    case XG_STATUS_PENDING:
    case XG_STATUS_SENT:
        break;
    }
    return NULL; /* the gateway's own steps are not events */
}

/* Whether an order in cur may be reported in want (both not final). */
static int
may_become(xg_order_status cur, xg_order_status want)
{
    switch (want) {
    case XG_STATUS_PENDING:
        /* Due again: refused before execution, moved, or the venue
         * confirmed it never got it. */
        return cur == XG_STATUS_PENDING || cur == XG_STATUS_SENT ||
               cur == XG_STATUS_UNKNOWN;
    case XG_STATUS_SENT:
        return cur == XG_STATUS_PENDING;
    case XG_STATUS_UNKNOWN:
        /* Only a request in flight can have an unknown outcome; an open
         * order stays what the venue said until it says otherwise. */
        return cur == XG_STATUS_SENT || cur == XG_STATUS_UNKNOWN ||
               cur == XG_STATUS_PENDING;
    case XG_STATUS_NEW:
        return cur != XG_STATUS_PARTIALLY_FILLED;
    default:
        return 1; /* partial fills and final statuses: from any */
    }
}

xg__lifecycle_step
xg__lifecycle_next(xg_order_status cur, xg_decimal cur_fill,
                   xg_order_status want, xg_decimal want_fill)
{
    xg__lifecycle_step s = {cur, cur_fill, NULL};
    if (xg_order_status_is_final(cur)) {
        return s;
    }
    int is_more_filled =
        want_fill.units != 0 && xg_decimal_cmp(want_fill, cur_fill) > 0;
    if (is_more_filled) {
        s.filled_qty = want_fill;
    }
    /* A fill on an order the venue still calls NEW is a partial fill. */
    if (want == XG_STATUS_NEW && s.filled_qty.units != 0) {
        want = XG_STATUS_PARTIALLY_FILLED;
    }
    if (may_become(cur, want)) {
        s.status = want;
    }
    if (s.status != cur ||
        (is_more_filled && xg__lifecycle_is_open(s.status))) {
        s.event = event_of(s.status);
    }
    return s;
}
