/*
 * promise_scenarios.h - the gateway's promises about cancels, deadlines,
 * bans and ownership, written once and run on every venue.
 *
 * Each test_promises_<venue>.c fills one xg_promise_venue (the paths the
 * simulator logs for its requests, how its admin API names BTC/USDT, the
 * settings that make its "too many requests" answer last as long as on
 * the other venues) and hands it to xg_promise_scenarios_run. Every
 * scenario runs on its own xg_venue_env with that venue as the gateway's
 * only venue, and orders name it in their route.
 *
 * The scenarios (docs/protocol.md, and the promises they pin down):
 *  - cancel_order and query_order need the owner's strategy: none is
 *    BAD_FIELD, another strategy's order is UNKNOWN_ORDER;
 *  - a second cancel while the first is held by a ban is answered and not
 *    sent: acked, cancel_waiting, canceled, one cancel at the venue;
 *  - a cancel that meets an order the venue filled meanwhile ends in
 *    cancel_rejected and filled, never "unknown", and no open order is
 *    left counted;
 *  - an order with max_wait_ms is never sent after its deadline, whatever
 *    holds it (a throttle here), and one without a deadline waits with a
 *    rate_limit_wait event;
 *  - during a ban a short deadline is refused at once (NO_VENUE, "banned")
 *    and an order without one waits for the ban's end;
 *  - a cancel held by a ban is the first request after it, ahead of the
 *    sweep and the clock resync that fell due meanwhile.
 */
#ifndef XGATE_TEST_PROMISE_SCENARIOS_H
#define XGATE_TEST_PROMISE_SCENARIOS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* A request as the simulator logs it: method and path (is_path_prefix:
 * the path only starts the logged one, which carries an id or is cut). */
typedef struct xg_logged_request {
    const char *method;
    const char *path;
    int is_path_prefix;
} xg_logged_request;

typedef struct xg_promise_venue {
    const char *venue;
    const char *sim_symbol; /* BTC/USDT as /_sim/price names it */
    xg_logged_request place;
    /* the batch place the gateway packs orders into ({NULL}: none) */
    xg_logged_request place_batch;
    xg_logged_request cancel;
    xg_logged_request query;     /* one order, by client order id */
    xg_logged_request open_list; /* the open-orders sweep's request */
} xg_promise_venue;

/* Run every scenario for v as one cmocka group named
 * "test_promises_<venue>". v is borrowed for the run. Returns the number
 * of failed tests. */
int xg_promise_scenarios_run(const xg_promise_venue *v);

#endif
