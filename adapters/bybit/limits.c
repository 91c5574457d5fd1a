/*
 * limits.c - Bybit's rate-limit buckets, described with core primitives.
 *
 * Bybit meters two layers (fact sheet, "Rate-limit model"):
 *  - per UID and endpoint: spot create 20/s, cancel 20/s, realtime query
 *    50/s (query by client id and the open-order list are the same
 *    endpoint, so they share one bucket), amend 10/s (Bybit's
 *    rate-limit table, not the fact sheet: bybit.h), the two batch
 *    endpoints 20/s each, counted per order a batch carries, cancel-all
 *    20/s, wallet-balance 50/s, execution/list 50/s and query-api 10/s
 *    (bybit.h). The docs call the window "rolling 1 s", so each is a
 *    SLIDING window of 1 s: a fixed window would let 2x the limit
 *    through around a boundary and be refused.
 *  - per IP over every endpoint, public ones included: 600 requests in a
 *    5 s window, breached by HTTP 403 and a lockout of at least 10
 *    minutes. Whether Bybit's 5 s are fixed or rolling is not documented;
 *    a sliding window never exceeds either, and the lockout makes the
 *    cautious reading the right one.
 * Bybit publishes no limits in an API (instruments-info carries none), so
 * the values are the fact sheet's defaults, overridable per account tier
 * through options (adapter.c).
 *
 * Correction: every order-endpoint answer carries X-Bapi-Limit-Status, the
 * remaining requests of that endpoint's window (parse.c). The core turns
 * `remaining` into used = limit - remaining, booked at now, which gives
 * exactly the venue's headroom whatever its real limit is (a VIP uplift
 * above ours simply gives no correction). Only cancels may use the last
 * share of the IP bucket and new orders (amends with them) the next one;
 * the endpoint buckets need no reserve, since each serves one priority
 * only.
 */
#include "bybit.h"

#include <string.h>

#include "xgate/adapter_util.h"

#define NS_PER_MS 1000000LL
#define NS_PER_S  1000000000LL

xg_err
bybit_bucket_spec(const bybit *b, bybit_bucket i, xg_bucket_spec *spec)
{
    const char *name = NULL;

    memset(spec, 0, sizeof(*spec));
    spec->kind = XG_LIMIT_SLIDING_WINDOW;
    spec->anchor = XG_ANCHOR_CLOCK;
    spec->window_ns = NS_PER_S;
    /* The endpoint limits are per UID; the IP bucket is the IP's. */
    spec->flags = i == BYBIT_BUCKET_IP ? 0 : XG_BUCKET_PER_ACCOUNT;
    switch (i) {
    case BYBIT_BUCKET_IP:
        name = "IP_REQUESTS";
        spec->limit = b->ip_limit;
        spec->window_ns = b->ip_window_ms * NS_PER_MS;
        spec->reserve_cancel = xg_share_pct(b->ip_limit, b->cancel_reserve_pct);
        spec->reserve_new = xg_share_pct(b->ip_limit, b->query_reserve_pct);
        break;
    case BYBIT_BUCKET_CREATE:
        name = "ORDER_CREATE_1S";
        spec->limit = b->create_per_s;
        break;
    case BYBIT_BUCKET_CANCEL:
        name = "ORDER_CANCEL_1S";
        spec->limit = b->cancel_per_s;
        break;
    case BYBIT_BUCKET_REALTIME:
        name = "ORDER_REALTIME_1S";
        spec->limit = b->query_per_s;
        break;
    case BYBIT_BUCKET_AMEND:
        name = "ORDER_AMEND_1S";
        spec->limit = b->amend_per_s;
        break;
    case BYBIT_BUCKET_BATCH_CREATE:
        name = "BATCH_CREATE_1S";
        spec->limit = b->batch_create_per_s;
        break;
    case BYBIT_BUCKET_BATCH_CANCEL:
        name = "BATCH_CANCEL_1S";
        spec->limit = b->batch_cancel_per_s;
        break;
    case BYBIT_BUCKET_CANCEL_ALL:
        name = "ORDER_CANCEL_ALL_1S";
        spec->limit = b->cancel_all_per_s;
        break;
    case BYBIT_BUCKET_WALLET:
        name = "WALLET_BALANCE_1S";
        spec->limit = b->wallet_per_s;
        break;
    case BYBIT_BUCKET_EXECUTIONS:
        name = "EXECUTION_LIST_1S";
        spec->limit = b->executions_per_s;
        break;
    case BYBIT_BUCKET_API_INFO:
        name = "API_KEY_INFO_1S";
        spec->limit = b->api_info_per_s;
        break;
    default:
        return XG_ERR_INVALID;
    }
    if (spec->limit <= 0 || spec->window_ns <= 0) {
        return XG_ERR_INVALID;
    }
    /* The limiter needs one unit left for queries: tiny IP limits from
     * options drop the reserves rather than be refused. */
    if (spec->reserve_cancel + spec->reserve_new > spec->limit - 1) {
        spec->reserve_cancel = 0;
        spec->reserve_new = 0;
    }
    return xg_strlcpy(spec->name, name, sizeof(spec->name));
}

xg_err
bybit_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n)
{
    const bybit *b = inst;

    if (b == NULL || n == NULL || (cap > 0 && specs == NULL)) {
        return XG_ERR_INVALID;
    }
    *n = BYBIT_BUCKET_COUNT;
    if (cap < BYBIT_BUCKET_COUNT) {
        return XG_ERR_TRUNCATED;
    }
    for (int i = 0; i < BYBIT_BUCKET_COUNT; i++) {
        xg_err rc = bybit_bucket_spec(b, (bybit_bucket)i, &specs[i]);
        if (rc != XG_OK) {
            return rc;
        }
    }
    return XG_OK;
}
