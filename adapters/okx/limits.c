/*
 * limits.c - OKX's rate-limit buckets, described with core primitives.
 *
 * OKX documents every limit the gateway meets as "N requests per 2
 * seconds" (fact sheet, "Endpoints" and "Rate-limit model"): public
 * endpoints per IP, private ones per user, and place / amend / cancel /
 * order details per user AND per instrument, each endpoint with its own
 * independent count. The three batch paths count ORDERS, not requests, per
 * user and instrument, each in a bucket of its own (requests.c charges a
 * batch its number of orders, and a batch of one order the single path,
 * as OKX counts it). OKX publishes no limits in any answer and sends no
 * usage headers, so the buckets are the fact sheet's numbers, overridable
 * by venue options (for VIP tiers and for the simulator's short tests).
 *
 * Every bucket is a sliding window. The docs do not say fixed or sliding;
 * ccxt notes OKX answers as a rolling window. A sliding window of N per
 * 2 s never lets more than N through in ANY 2 s interval, so it cannot
 * overdraw a fixed window of the same length either: it is the shape that
 * is safe whichever the venue really uses. The per-instrument buckets
 * carry XG_BUCKET_PER_SCOPE: the limiter keeps one window per instrument
 * scope, created on first use (requests.c charges op->instrument->scope).
 *
 * Reserves: since each bucket is charged by one endpoint only, it is only
 * ever charged at one priority (cancels alone use the cancel bucket), and
 * a reserve would only idle capacity. They default to 0 and are accepted
 * as options so that an operator can still hold capacity back.
 */
#include "okx.h"

#include <string.h>

#include "xgate/adapter_util.h"

#define NS_PER_MS 1000000LL

static const struct {
    const char *name;
    int64_t limit;
    uint32_t flags;
} okx_bucket_info[OKX_N_BUCKETS] = {
    [OKX_B_TIME] = {"TIME_2S", OKX_LIMIT_TIME_DEFAULT, 0},
    [OKX_B_INSTRUMENTS] = {"INSTRUMENTS_2S", OKX_LIMIT_INSTRUMENTS_DEFAULT, 0},
    [OKX_B_PLACE] = {"PLACE_PER_INST_2S", OKX_LIMIT_PLACE_DEFAULT,
                     XG_BUCKET_PER_SCOPE},
    [OKX_B_CANCEL] = {"CANCEL_PER_INST_2S", OKX_LIMIT_CANCEL_DEFAULT,
                      XG_BUCKET_PER_SCOPE},
    [OKX_B_QUERY] = {"QUERY_PER_INST_2S", OKX_LIMIT_QUERY_DEFAULT,
                     XG_BUCKET_PER_SCOPE},
    [OKX_B_PENDING] = {"PENDING_2S", OKX_LIMIT_PENDING_DEFAULT, 0},
    [OKX_B_AMEND] = {"AMEND_PER_INST_2S", OKX_LIMIT_AMEND_DEFAULT,
                     XG_BUCKET_PER_SCOPE},
    [OKX_B_BATCH_PLACE] = {"BATCH_PLACE_PER_INST_2S",
                           OKX_LIMIT_BATCH_PLACE_DEFAULT, XG_BUCKET_PER_SCOPE},
    [OKX_B_BATCH_CANCEL] = {"BATCH_CANCEL_PER_INST_2S",
                            OKX_LIMIT_BATCH_CANCEL_DEFAULT,
                            XG_BUCKET_PER_SCOPE},
    [OKX_B_BALANCE] = {"BALANCE_2S", OKX_LIMIT_BALANCE_DEFAULT, 0},
    [OKX_B_BATCH_AMEND] = {"BATCH_AMEND_PER_INST_2S",
                           OKX_LIMIT_BATCH_AMEND_DEFAULT, XG_BUCKET_PER_SCOPE},
    [OKX_B_FILLS] = {"FILLS_2S", OKX_LIMIT_FILLS_DEFAULT, 0},
    [OKX_B_CONFIG] = {"CONFIG_2S", OKX_LIMIT_CONFIG_DEFAULT, 0},
};

void
okx_default_limits(okx *o)
{
    o->window_ms = OKX_WINDOW_MS_DEFAULT;
    for (size_t i = 0; i < OKX_N_BUCKETS; i++) {
        o->limit[i] = okx_bucket_info[i].limit;
    }
    o->cancel_reserve_pct = 0;
    o->query_reserve_pct = 0;
}

xg_err
okx_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n)
{
    const okx *o = inst;

    if (o == NULL || n == NULL || (cap > 0 && specs == NULL)) {
        return XG_ERR_INVALID;
    }
    *n = OKX_N_BUCKETS;
    if (cap < OKX_N_BUCKETS) {
        return XG_ERR_TRUNCATED;
    }
    for (size_t i = 0; i < OKX_N_BUCKETS; i++) {
        xg_bucket_spec *s = &specs[i];
        memset(s, 0, sizeof(*s));
        if (xg_strlcpy(s->name, okx_bucket_info[i].name, sizeof(s->name)) !=
                XG_OK ||
            o->limit[i] <= 0 || o->window_ms <= 0) {
            return XG_ERR_INVALID;
        }
        s->kind = XG_LIMIT_SLIDING_WINDOW;
        s->anchor = XG_ANCHOR_CLOCK;
        s->limit = o->limit[i];
        s->window_ns = o->window_ms * NS_PER_MS;
        /* Clamped so that queries keep at least one unit, which the
         * limiter requires of every bucket (tiny test limits). */
        s->reserve_cancel = xg_share_pct(o->limit[i], o->cancel_reserve_pct);
        if (s->reserve_cancel > s->limit - 1) {
            s->reserve_cancel = s->limit - 1;
        }
        s->reserve_new = xg_share_pct(o->limit[i], o->query_reserve_pct);
        if (s->reserve_new > s->limit - 1 - s->reserve_cancel) {
            s->reserve_new = s->limit - 1 - s->reserve_cancel;
        }
        s->flags = okx_bucket_info[i].flags;
        /* Public endpoints count per IP, private ones per user ID. */
        if (i != OKX_B_TIME && i != OKX_B_INSTRUMENTS) {
            s->flags |= XG_BUCKET_PER_ACCOUNT;
        }
    }
    return XG_OK;
}
