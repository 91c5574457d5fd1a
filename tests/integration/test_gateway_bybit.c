/*
 * test_gateway_bybit.c - xgsim (Bybit dialect) + xgated + a strategy
 * client, end to end, with the gateway configured for Bybit alone.
 *
 * The scenarios are the shared ones of venue_scenarios.c; this file says
 * what is Bybit's: create and realtime-query paths, retCode 10006 and the
 * IP lockout's 403 as rate-limit answers, 10004/10002 as refused
 * signatures or timestamps, a rolling create limit scaled down on both
 * sides, and a market order whose fill the gateway learns by itself.
 */
#include "venue_scenarios.h"

static const xg_venue_desc bybit = {
    .venue = "bybit",
    /* Every order names Bybit in its route. */
    .is_pinned = 1,
    .place_path = "/v5/order/create",
    .query_path = "/v5/order/realtime",
    .rate_limit_errors = {{"code", 10006}, {"status", 403}},
    /* Every signed request is accepted: no signature or time refusal. */
    .refusals = {{"code", 10004}, {"code", 10002}},
    /* A market order's ack does not say it filled; the query does. */
    .take = {.type = "MARKET",
             .qty = "0.002",
             .report = XG_FILL_REPORT_AT_ONCE},
    .burst =
        {
            /* 10 creates per rolling second on both sides: 50 creates
             * need at least 4 s. */
            .sim_args = {"--set", "bybit.create_per_s=10"},
            /* One by one (batch_max 0): the single place limit is the
             * one under test; test_batch covers batches. */
            .venue_extra = "\"max_connections\": 4, \"batch_max\": 0, "
                           "\"options\": "
                           "{\"create_per_s\": 10}",
            .symbols = {{"BTC/USDT", "burst", "0.001", 30000}},
            .per_symbol = 50,
            .min_ms = 4000,
        },
    /* The lockout's 403 carries no end time: the gateway's ban_default_ms
     * applies, longer than the simulator's lockout, and the log must show
     * silence for (nearly) all of it. */
    .ban = {.venue_extra = "\"ban_default_ms\": 1500",
            .sim_ms = 1000,
            .status = 403,
            .hold_ms = 1400},
};

int
main(void)
{
    return xg_venue_scenarios_run(&bybit, NULL, 0);
}
