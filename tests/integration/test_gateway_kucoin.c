/*
 * test_gateway_kucoin.c - xgsim + xgated + a strategy client, end to end,
 * with KuCoin as the only venue of the gateway.
 *
 * The scenarios are the shared ones of venue_scenarios.c; this file says
 * what is KuCoin's: the HF order paths, a Spot pool scaled down in the
 * simulator (and told to the adapter through the venue options), a ban
 * answered as 429 with code 1015 and an end, and a place answer that is
 * an ack even for an order that filled at once.
 */
#include "venue_scenarios.h"

static const xg_venue_desc kucoin = {
    .venue = "kucoin",
    /* Orders are not pinned: KuCoin is the gateway's only venue. */
    .is_pinned = 0,
    .place_path = "/api/v1/hf/orders",
    /* The log keeps only the first 39 characters of a path, which cuts
     * /client-order/<id>, so the query path is matched as a prefix. */
    .query_path = "/api/v1/hf/orders/client-order/",
    .is_query_path_prefix = 1,
    .rate_limit_errors = {{"status", 429}},
    /* KuCoin's HF place answer is an ack ({orderId, clientOid}) even for
     * an order that filled at once; the fill is on the venue, where a
     * query would find it (the core does not poll open orders). */
    .take = {.qty = "0.001",
             .price = "36000",
             .report = XG_FILL_REPORT_ON_VENUE},
    .burst =
        {
            /* A Spot pool of 40 per 2 s (place weight 1): 100 orders need
             * three pool windows. They cannot finish before two windows
             * passed, and with the pool used in full they need not wait
             * for a fourth. */
            .sim_args = {"--set", "kucoin.spot_limit=40", "--set",
                         "kucoin.window_ms=2000"},
            /* One by one (batch_max 0): the single place limit is the
             * one under test; test_batch covers batches. */
            .venue_extra = "\"max_connections\": 4, \"batch_max\": 0, "
                           "\"options\": "
                           "{\"spot_pool_limit\": 40, "
                           "\"pool_window_ms\": 2000}",
            .symbols = {{"BTC/USDT", "burst", "0.001", 30000}},
            .per_symbol = 100,
            .min_ms = 4000,
            .max_ms = 6000,
        },
    .ban = {.venue_extra = "", .sim_ms = 1500, .status = 429, .code = 1015},
};

int
main(void)
{
    return xg_venue_scenarios_run(&kucoin, NULL, 0);
}
