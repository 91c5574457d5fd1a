/*
 * test_gateway_binance.c - xgsim + xgated + a strategy client, end to end,
 * with Binance as the gateway's only venue.
 *
 * The scenarios are the shared ones of venue_scenarios.c; this file says
 * what is Binance's: its order path, 429 and 418 as the rate-limit and
 * ban answers (the 418 says when the ban ends), the order-count window
 * scaled down in the simulator, and a crossing LIMIT order whose place
 * answer already reports the fill.
 */
#include "venue_scenarios.h"

static const xg_venue_desc binance = {
    .venue = "binance",
    /* Orders are not pinned: Binance is the gateway's only venue. */
    .is_pinned = 0,
    .place_path = "/api/v3/order",
    .query_path = "/api/v3/order",
    .rate_limit_errors = {{"status", 429}, {"status", 418}},
    .take = {.qty = "0.001",
             .price = "36000",
             .report = XG_FILL_REPORT_AT_ONCE},
    .burst =
        {
            /* 10 orders per second: 60 orders need 6 windows, and cannot
             * finish before 5 of them passed. */
            .sim_args = {"--set", "binance.orders_limit=10", "--set",
                         "binance.orders_window_s=1"},
            .venue_extra = "\"max_connections\": 4",
            .symbols = {{"BTC/USDT", "burst", "0.001", 30000}},
            .per_symbol = 60,
            .min_ms = 4000,
        },
    .ban = {.venue_extra = "", .sim_ms = 1500, .status = 418},
};

int
main(void)
{
    return xg_venue_scenarios_run(&binance, NULL, 0);
}
