/*
 * xgate/limiter.h - rate-limit primitives and the per-venue limiter.
 *
 * Every limit a venue imposes is expressed with three primitives: a fixed
 * window (Binance's minute of weight, KuCoin's 30 s pool), a sliding window
 * (OKX's requests per 2 s, Bybit's per second) and a token bucket. An
 * adapter describes its venue's buckets with xg_bucket_spec; the core builds
 * one xg_limiter from them and asks it, for each request's list of
 * (bucket, cost), "may this go now, and if not, when?".
 *
 * This header is the core's, not the adapters': what an adapter needs
 * (xg_bucket_spec, xg_cost, xg_usage, xg_priority) is in xgate/limit.h,
 * which is part of the adapter ABI. The primitives and xg_limiter below
 * are not, so a change to them is not an ABI change and does not bump
 * XG_ADAPTER_ABI_VERSION. Adapters include limit.h (through adapter.h),
 * never this header.
 *
 * Nothing here reads a clock or sleeps: every function takes now_ns, the
 * caller's time axis in nanoseconds. The core uses the venue's estimated
 * wall clock (local time + measured offset) so that clock-aligned windows
 * match the venue's. Answers are exact for the given clock.
 */
#ifndef XGATE_LIMITER_H
#define XGATE_LIMITER_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"
#include "xgate/limit.h"

/* --- primitives ------------------------------------------------------- */

/* Fixed window: at most `limit` units per window. Embed by value. */
typedef struct xg_fixed_window {
    int64_t limit;
    int64_t window_ns;
    int64_t guard_ns; /* a new window opens guard_ns after its start */
    xg_window_anchor anchor;
    int64_t start_ns; /* current window's start; INT64_MIN before first use */
    int64_t used;
    /* CLOCK anchor: units already charged to the next window (starting at
     * start_ns + window_ns) by requests sent within guard_ns of the
     * boundary, which the venue may count in either window. */
    int64_t next_used;
} xg_fixed_window;

void xg_fixed_window_init(xg_fixed_window *w, int64_t limit, int64_t window_ns,
                          xg_window_anchor anchor, int64_t guard_ns);

/* If `cost` units fit with `keep` units left unused, take them and return
 * now_ns; otherwise take nothing and return the earliest time they could
 * fit (> now_ns). A cost larger than limit - keep never fits: INT64_MAX. */
int64_t xg_fixed_window_earliest(const xg_fixed_window *w, int64_t cost,
                                 int64_t keep, int64_t now_ns);
void xg_fixed_window_take(xg_fixed_window *w, int64_t cost, int64_t now_ns);

/* The venue says `used` units are spent in the window containing now_ns:
 * raise the local count to it (never lower it). */
void xg_fixed_window_observe(xg_fixed_window *w, int64_t used, int64_t now_ns);

/* Sliding window: at most `limit` units in any window_ns interval. Keeps a
 * log of (time, cost) entries, so it allocates `limit` entries at init. */
typedef struct xg_sliding_window {
    int64_t limit;
    int64_t window_ns;
    int64_t guard_ns; /* entries expire guard_ns after window_ns */
    int64_t used;     /* sum of costs in the log */
    struct xg_slide_entry *log;
    size_t cap, head, count;
    /* Units the venue counts that we did not send, until its window ends
     * (xg_sliding_window_observe_until). */
    int64_t others;
    int64_t others_until_ns;
} xg_sliding_window;

xg_err xg_sliding_window_init(xg_sliding_window *w, int64_t limit,
                              int64_t window_ns, int64_t guard_ns);
void xg_sliding_window_fini(xg_sliding_window *w);
int64_t xg_sliding_window_earliest(xg_sliding_window *w, int64_t cost,
                                   int64_t keep, int64_t now_ns);
void xg_sliding_window_take(xg_sliding_window *w, int64_t cost, int64_t now_ns);
void xg_sliding_window_observe(xg_sliding_window *w, int64_t used,
                               int64_t now_ns);
/* The venue says `used` units are spent in its window, which ends at
 * until_ns: what exceeds our own count is held until then (not for a
 * whole window_ns as xg_sliding_window_observe must assume), since our own
 * units inside the venue's window outlive it anyway. */
void xg_sliding_window_observe_until(xg_sliding_window *w, int64_t used,
                                     int64_t until_ns, int64_t now_ns);

/* Token bucket: capacity `limit`, refilled at limit units per refill_ns,
 * continuously. */
typedef struct xg_token_bucket {
    int64_t limit;
    int64_t refill_ns; /* time to refill `limit` units from empty */
    int64_t level;     /* units available at last_ns */
    int64_t last_ns;
    int64_t carry; /* fractional refill carried over, in units*refill_ns */
} xg_token_bucket;

void xg_token_bucket_init(xg_token_bucket *b, int64_t limit, int64_t refill_ns,
                          int64_t now_ns);
int64_t xg_token_bucket_earliest(xg_token_bucket *b, int64_t cost, int64_t keep,
                                 int64_t now_ns);
void xg_token_bucket_take(xg_token_bucket *b, int64_t cost, int64_t now_ns);
/* The venue says `remaining` units are left: lower the level to it. */
void xg_token_bucket_observe(xg_token_bucket *b, int64_t remaining,
                             int64_t now_ns);

/* --- the per-venue limiter -------------------------------------------- */

typedef struct xg_limiter xg_limiter;

/*
 * Build a limiter from n specs (copied). guard_ns widens every window by
 * that much to absorb clock error between us and the venue. Returns NULL
 * on bad specs or no memory. Given: free with xg_limiter_destroy.
 */
xg_limiter *xg_limiter_new(const xg_bucket_spec *specs, size_t n,
                           int64_t guard_ns);
void xg_limiter_destroy(xg_limiter **l);

/*
 * Reserve all costs at once or none. *at_ns = now_ns when taken, or the
 * earliest time at which all could be taken (ask again then; the answer may
 * move later if other requests take units first). XG_ERR_INVALID for a
 * bucket index out of range; XG_ERR_OVERFLOW if a cost can never fit
 * (*at_ns = INT64_MAX).
 */
xg_err xg_limiter_reserve(xg_limiter *l, const xg_cost *costs, size_t n,
                          xg_priority prio, int64_t now_ns, int64_t *at_ns);

/*
 * Cap XG_PRIO_RECONCILE at share_pct percent (1..100) of every bucket: such
 * a request is admitted only if it leaves limit - floor(limit * share /
 * 100) units unused (at least one unit is always allowed), or the query
 * reserves (reserve_cancel + reserve_new) if those keep more. A single
 * request larger than the share would then never go; it is admitted only
 * into an instance nothing else is using. A new limiter's share is 100
 * (reconciliation is capped like any query). XG_ERR_INVALID for a NULL
 * limiter or a share outside 1..100 (nothing changes).
 */
xg_err xg_limiter_set_reconcile_share(xg_limiter *l, unsigned share_pct);

/*
 * Let this limiter use only share_pct percent (1..100) of every bucket,
 * its reserves scaled to match: a gateway's part of limits it shares with
 * others while they cannot coordinate (core/share.c). Units already
 * counted stay counted, so lowering the share never lets a burst through.
 * A new limiter's share is 100. XG_ERR_INVALID for a NULL limiter or a
 * share outside 1..100 (nothing changes).
 */
xg_err xg_limiter_set_share(xg_limiter *l, unsigned share_pct);

/* Apply usage reported by the venue (see xg_usage). */
void xg_limiter_observe(xg_limiter *l, const xg_usage *usage, size_t n,
                        int64_t now_ns);

size_t xg_limiter_bucket_count(const xg_limiter *l);
const xg_bucket_spec *xg_limiter_bucket_spec(const xg_limiter *l, size_t i);

/* Units in use for bucket i (scope 0 / the sum is not meaningful for
 * per-scope buckets: it reports the busiest scope), for status output. */
int64_t xg_limiter_bucket_used(const xg_limiter *l, size_t i, int64_t now_ns);

#endif
