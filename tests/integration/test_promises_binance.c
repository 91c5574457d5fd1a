/*
 * test_promises_binance.c - the gateway's promises about cancels,
 * deadlines, bans and ownership (promise_scenarios.h), with Binance as
 * its only venue.
 *
 * Binance's 429 carries Retry-After and its 418 says when the ban ends.
 * One path places (POST), cancels (DELETE) and queries (GET) an order.
 */
#include "promise_scenarios.h"

static const xg_promise_venue binance = {
    .venue = "binance",
    .sim_symbol = "BTCUSDT",
    .place = {"POST", "/api/v3/order", 0},
    .cancel = {"DELETE", "/api/v3/order", 0},
    .query = {"GET", "/api/v3/order", 0},
    .open_list = {"GET", "/api/v3/openOrders", 0},
};

int
main(void)
{
    return xg_promise_scenarios_run(&binance);
}
