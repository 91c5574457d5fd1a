/*
 * test_promises_kucoin.c - the gateway's promises about cancels,
 * deadlines, bans and ownership (promise_scenarios.h), with KuCoin as its
 * only venue.
 *
 * KuCoin's 429000 says when its pool resets (gw-ratelimit-reset) and its
 * 1015 ban carries Retry-After. A cancel and a query name the order in
 * the path, which the simulator's log cuts, so those paths are prefixes.
 */
#include "promise_scenarios.h"

static const xg_promise_venue kucoin = {
    .venue = "kucoin",
    .sim_symbol = "BTC-USDT",
    .place = {"POST", "/api/v1/hf/orders", 0},
    .place_batch = {"POST", "/api/v1/hf/orders/multi", 0},
    .cancel = {"DELETE", "/api/v1/hf/orders/client-order/", 1},
    .query = {"GET", "/api/v1/hf/orders/client-order/", 1},
    .open_list = {"GET", "/api/v1/hf/orders/active", 0},
};

int
main(void)
{
    return xg_promise_scenarios_run(&kucoin);
}
