/*
 * test_promises_bybit.c - the gateway's promises about cancels,
 * deadlines, bans and ownership (promise_scenarios.h), with Bybit as its
 * only venue.
 *
 * Bybit's 10006 says when its window resets (X-Bapi-Limit-Reset-Timestamp)
 * and its 403 lockout gives no end: the scenarios set ban_default_ms
 * themselves. One order is queried and the open orders listed on the same
 * path; the list carries no client order id.
 */
#include "promise_scenarios.h"

static const xg_promise_venue bybit = {
    .venue = "bybit",
    .sim_symbol = "BTCUSDT",
    .place = {"POST", "/v5/order/create", 0},
    .place_batch = {"POST", "/v5/order/create-batch", 0},
    .cancel = {"POST", "/v5/order/cancel", 0},
    .query = {"GET", "/v5/order/realtime", 0},
    .open_list = {"GET", "/v5/order/realtime", 0},
};

int
main(void)
{
    return xg_promise_scenarios_run(&bybit);
}
