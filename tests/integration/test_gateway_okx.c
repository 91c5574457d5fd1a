/*
 * test_gateway_okx.c - xgsim (OKX dialect) + xgated + a strategy client,
 * end to end, with every order routed to the okx venue.
 *
 * The scenarios are the shared ones of venue_scenarios.c; this file says
 * what is OKX's: one path for place and query, a per-instrument place
 * limit (the same numbers given to the simulator with --set and to the
 * adapter as venue options) that the burst spreads over two instruments,
 * a 403 ban without an end, and a place answer that only acknowledges a
 * crossing order.
 */
#include "venue_scenarios.h"

static const xg_venue_desc okx = {
    .venue = "okx",
    .is_pinned = 1,
    .place_path = "/api/v5/trade/order",
    .query_path = "/api/v5/trade/order",
    .rate_limit_errors = {{"status", 429}},
    /* A crossing order fills at once on the venue, but OKX's place answer
     * only acknowledges it. Canceling it gets 51402 "completed", and the
     * query that follows reports the fill. */
    .take = {.qty = "0.001",
             .price = "36000",
             .report = XG_FILL_REPORT_ON_CANCEL},
    .burst =
        {
            /* 10 places per instrument per second on both sides: 40
             * orders on each of two instruments need 4 windows each, run
             * side by side, so at least 3 windows pass. */
            .sim_args = {"--set", "okx.place_limit=10", "--set",
                         "okx.window_ms=1000"},
            /* One by one (batch_max 0): the single place limit is the
             * one under test; test_batch covers batches. */
            .venue_extra = "\"max_connections\": 4, \"batch_max\": 0, "
                           "\"options\": "
                           "{\"place_limit\": 10, \"window_ms\": 1000}",
            .symbols = {{"BTC/USDT", "btc", "0.001", 30000},
                        {"ETH/USDT", "eth", "0.01", 1500}},
            .per_symbol = 40,
            /* No order may go unknown either: a 50011 would make one so. */
            .is_unknown_refused = 1,
            .min_ms = 3000,
        },
    /* OKX gives no ban end: the gateway applies its ban_default_ms, set
     * here to the simulator's ban length, and sends nothing meanwhile. */
    .ban = {.venue_extra = "\"ban_default_ms\": 1500",
            .sim_ms = 1500,
            .status = 403,
            .hold_ms = 1400},
};

int
main(void)
{
    return xg_venue_scenarios_run(&okx, NULL, 0);
}
