/*
 * test_promises_okx.c - the gateway's promises about cancels, deadlines,
 * bans and ownership (promise_scenarios.h), with OKX as its only venue.
 *
 * OKX's 50011 says nothing of when to retry (the adapter waits out the
 * 2 s window) and its 403 ban gives no end (the scenarios set
 * ban_default_ms). One path places (POST) and queries (GET) an order.
 */
#include "promise_scenarios.h"

static const xg_promise_venue okx = {
    .venue = "okx",
    .sim_symbol = "BTC-USDT",
    .place = {"POST", "/api/v5/trade/order", 0},
    .place_batch = {"POST", "/api/v5/trade/batch-orders", 0},
    .cancel = {"POST", "/api/v5/trade/cancel-order", 0},
    .query = {"GET", "/api/v5/trade/order", 0},
    .open_list = {"GET", "/api/v5/trade/orders-pending", 0},
};

int
main(void)
{
    return xg_promise_scenarios_run(&okx);
}
