/*
 * xgate/limit.h - the rate-limit vocabulary an adapter speaks.
 *
 * An adapter describes its venue's buckets (xg_bucket_spec, from limits()),
 * charges each request it builds to them (xg_cost, with an xg_priority) and
 * reports what the venue says it counted (xg_usage, from parse()). That is
 * all of the limiter an adapter sees, and this header is the part of it
 * that belongs to the adapter ABI: a change here is an ABI change, logged
 * in xgate/adapter.h. The core's limiter itself (the window and bucket
 * primitives and xg_limiter, in xgate/limiter.h) is not part of the ABI, so
 * changing its internals no longer changes the ABI.
 *
 * Units are whatever the venue counts (requests, weight); times are in
 * nanoseconds (window_ns) or the venue's milliseconds (reset_ms).
 */
#ifndef XGATE_LIMIT_H
#define XGATE_LIMIT_H

#include <stdint.h>

/* Who may use the last units of a bucket. Cancels may use everything; new
 * orders leave reserve_cancel; queries also leave reserve_new;
 * reconciliation (the core's queries of orders recovered from the journal
 * or of unknown outcome) may fill each bucket only up to the limiter's
 * reconcile share (xg_limiter_set_reconcile_share, xgate/limiter.h).
 * Adapters never set XG_PRIO_RECONCILE: the core chooses it. */
typedef enum xg_priority {
    XG_PRIO_CANCEL = 0,
    XG_PRIO_NEW = 1,
    XG_PRIO_QUERY = 2,
    XG_PRIO_RECONCILE = 3
} xg_priority;

typedef enum xg_limit_kind {
    XG_LIMIT_FIXED_WINDOW = 1,
    XG_LIMIT_SLIDING_WINDOW = 2,
    XG_LIMIT_TOKEN_BUCKET = 3
} xg_limit_kind;

typedef enum xg_window_anchor {
    XG_ANCHOR_CLOCK = 0,    /* windows start at multiples of window_ns */
    XG_ANCHOR_FIRST_USE = 1 /* a window starts at the first request after
                               the previous one ended (KuCoin's pool) */
} xg_window_anchor;

#define XG_BUCKET_NAME_MAX 32

/* Flag: one instance of the bucket per scope (xg_cost.scope), created on
 * first use, e.g. OKX's per-instrument order limits. */
#define XG_BUCKET_PER_SCOPE 0x1u
/* Flag: the venue counts the bucket per account (UID, sub-account), not
 * per IP. Only matters when several gateways share limits (the core keys
 * the bucket by account then, else by egress IP label). */
#define XG_BUCKET_PER_ACCOUNT 0x2u

/* One bucket as an adapter describes it. */
typedef struct xg_bucket_spec {
    char name[XG_BUCKET_NAME_MAX]; /* "REQUEST_WEIGHT_1M", for xgctl/logs */
    xg_limit_kind kind;
    xg_window_anchor anchor; /* fixed windows only */
    int64_t limit;           /* units per window, or bucket capacity */
    int64_t window_ns;       /* window length, or token refill time */
    int64_t reserve_cancel;  /* units only cancels may use */
    int64_t reserve_new;     /* further units queries may not use */
    uint32_t flags;          /* XG_BUCKET_* */
} xg_bucket_spec;

/* One charge of a request: `units` of bucket number `bucket` (its index in
 * the spec array), for `scope` if the bucket is per-scope. */
typedef struct xg_cost {
    uint16_t bucket;
    uint32_t scope;
    int64_t units;
} xg_cost;

/* Usage a venue reported in a response, to correct the local count
 * upwards. Fields the venue did not report are -1 (reset_ms: 0 or less). */
typedef struct xg_usage {
    uint16_t bucket;
    uint32_t scope;
    int64_t used;      /* units spent in the current window */
    int64_t remaining; /* units left */
    int64_t reset_ms;  /* until the venue's window ends (sliding windows
                          hold the correction only that long) */
} xg_usage;

#endif
