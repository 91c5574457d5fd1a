/*
 * limits.c - KuCoin's resource pools as xgate limiter buckets.
 *
 * KuCoin ("rate limit 2.0", fact sheet "Rate-limit model") charges each
 * request its endpoint weight from a pool: Spot (orders, cancels, queries;
 * 4000 per 30 s at VIP0, per UID), Management (balances; 2000 per 30 s per
 * UID) and Public (time, symbols; 2000 per 30 s per IP). The venue
 * publishes no limits in any answer we read at start, so the figures are
 * the fact sheet's, overridable per venue in the config (spot_pool_limit,
 * management_pool_limit, public_pool_limit, pool_window_ms) for higher VIP
 * levels or a simulator with short windows.
 *
 * Which primitive. The pool is a FIXED window of W = 30 s that starts when
 * the venue receives the first request after the previous window ended,
 * and is refilled whole at its end. We must never spend more than L units
 * inside any such window, and should spend nearly L per W when the demand
 * is there (>= 97 % goodput).
 *
 *  - A token bucket of capacity L refilling L per W admits L at once and
 *    then L more over the next W: up to 2L inside one venue window. To be
 *    safe it needs capacity L/2 and refill L/2 per W, which halves the
 *    goodput. Holding the refill back until the window ends is a fixed
 *    window, not a bucket.
 *  - The core's FIXED_WINDOW with XG_ANCHOR_FIRST_USE starts its window
 *    when WE send the first request (time t0, our axis) and ends it at
 *    t0 + W + guard. The venue's window starts on ARRIVAL, t0 + d, so the
 *    two windows only line up if the one-way delay d of that first
 *    request equals the guard. If d > guard our window ends first and a
 *    fresh local quota is spent into the venue's old window; if d < guard
 *    the requests we send in (t0 + d + W, t0 + W + guard) are counted in
 *    our old window but open the venue's NEXT window, and at
 *    t0 + W + guard we start a full local quota inside that same venue
 *    window: up to 2L - 1 in one venue window. The gw-ratelimit-reset
 *    header tells us the venue's anchor only once a request came back,
 *    too late for the requests already in flight.
 *  - A SLIDING window of L per W bounds the units sent in EVERY interval
 *    of length W (plus guard: entries expire at t + W + guard), and a
 *    venue window, wherever it is anchored, is such an interval. A request
 *    limited at our time s reaches the venue at s + D; requests arriving
 *    in the venue window [a, a + W) were limited in
 *    [a - D_max, a + W - D_min], an interval of length W + (D_max - D_min),
 *    which the sliding window covers as long as the jitter D_max - D_min
 *    (network jitter plus any step of the clock-offset estimate) stays
 *    below the core's clock_guard_ms. The anchor and the clock offset
 *    drop out entirely; nothing has to be guessed.
 *    Goodput: with demand saturating, the sliding window lets L go, then
 *    frees them W + guard after they went, so L per (W + guard): 99.8 %
 *    with W = 30 s and the default 50 ms guard. Each freed burst reaches
 *    the venue after its previous window ended (it was limited W + guard
 *    after the burst that opened it), so it opens the next window, which
 *    then holds exactly that burst: the venue's quota is used in full.
 *    The cost is memory (the log holds at most L entries: 64 KiB for
 *    4000) and, for bursty non-saturating demand, waiting up to W after a
 *    burst that the venue would already have forgiven at its window's
 *    end; never an overdraw.
 *
 * So all three pools are sliding windows. Usage headers correct them upwards:
 * gw-ratelimit-remaining (parse.c) becomes used = L - remaining, and what
 * exceeds our own count (units spent by another key of the same UID) is
 * held until the pool resets, gw-ratelimit-reset ms later (xg_usage
 * reset_ms), not for a whole window. In a single-writer setup our count is
 * always at least the venue's, so the correction is a no-op there. A
 * 429000 answer is RATE_LIMITED for gw-ratelimit-reset ms (parse.c).
 *
 * Reserves: cancels may use the whole Spot pool, new orders leave
 * cancel_reserve_pct of it (default 2 %) and queries (weight 2, the
 * surprise of this venue: polling eats order capacity) leave
 * query_reserve_pct more (default 5 %). The defaults are smaller than
 * Binance's because here the reserve comes straight out of the goodput of
 * a burst of new orders: 98 % of the pool per W + guard, 97.8 % in all. The
 * Public pool is only used at start-up and on resync, the Management pool
 * only by balance reads: no reserves.
 */
#include "kucoin.h"

#include <string.h>

#include "xgate/adapter_util.h"

#define NS_PER_MS 1000000LL

static void
kucoin_pool_spec(xg_bucket_spec *spec, const char *name, int64_t limit,
                 int64_t window_ms)
{
    memset(spec, 0, sizeof(*spec));
    (void)xg_strlcpy(spec->name, name, sizeof(spec->name));
    spec->kind = XG_LIMIT_SLIDING_WINDOW;
    spec->anchor = XG_ANCHOR_CLOCK; /* unused by sliding windows */
    spec->limit = limit;
    spec->window_ns = window_ms * NS_PER_MS;
    spec->flags = 0;
}

xg_err
kucoin_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n)
{
    const kucoin *k = inst;
    xg_bucket_spec *spot = NULL;

    if (k == NULL || n == NULL || (cap > 0 && specs == NULL)) {
        return XG_ERR_INVALID;
    }
    *n = KUCOIN_N_BUCKETS;
    if (cap < KUCOIN_N_BUCKETS) {
        return XG_ERR_TRUNCATED;
    }
    if (k->spot_limit <= 0 || k->public_limit <= 0 ||
        k->management_limit <= 0 || k->window_ms <= 0) {
        return XG_ERR_INVALID;
    }
    spot = &specs[KUCOIN_BUCKET_SPOT];
    kucoin_pool_spec(spot, "SPOT_POOL", k->spot_limit, k->window_ms);
    /* The Spot and Management pools are the UID's (all its keys), the
     * Public pool the IP's. */
    spot->flags = XG_BUCKET_PER_ACCOUNT;
    spot->reserve_cancel = xg_share_pct(k->spot_limit, k->cancel_reserve_pct);
    spot->reserve_new = xg_share_pct(k->spot_limit, k->query_reserve_pct);
    /* The limiter wants queries to keep at least one unit; a tiny pool
     * configured for tests gets smaller reserves rather than refusal. */
    if (spot->reserve_cancel + spot->reserve_new > k->spot_limit - 1) {
        spot->reserve_cancel = 0;
        spot->reserve_new = 0;
    }
    kucoin_pool_spec(&specs[KUCOIN_BUCKET_PUBLIC], "PUBLIC_POOL",
                     k->public_limit, k->window_ms);
    kucoin_pool_spec(&specs[KUCOIN_BUCKET_MANAGEMENT], "MANAGEMENT_POOL",
                     k->management_limit, k->window_ms);
    specs[KUCOIN_BUCKET_MANAGEMENT].flags = XG_BUCKET_PER_ACCOUNT;
    return XG_OK;
}
