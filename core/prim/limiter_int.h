/*
 * limiter_int.h - what the limiter's two files share (prim-private,
 * included only by core/prim/limiter.c and core/prim/limiter_instance.c):
 * one limit instance of any kind, the saturating arithmetic both use, and
 * the sliding window's size bound that spec validation must agree with.
 * limiter_instance.c counts within one instance; limiter.c owns buckets,
 * scopes and priorities.
 */
#ifndef XGATE_LIMITER_INT_H
#define XGATE_LIMITER_INT_H

#include <stdint.h>

#include "xgate/limiter.h"

/* The sliding window keeps one entry per request; the brief bound keeps a
 * misread venue limit from allocating gigabytes. */
#define XG_SLIDING_LIMIT_MAX 1000000

static inline int64_t
sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) {
        return b > 0 ? INT64_MAX : INT64_MIN;
    }
    return r;
}

static inline int64_t
sat_sub(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r)) {
        return b < 0 ? INT64_MAX : INT64_MIN;
    }
    return r;
}

static inline int64_t
max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* One instance of a bucket: the member named by the spec's kind is live.
 * Every xg__instance_* call takes the spec the instance was made from. */
typedef struct xg__instance {
    union {
        xg_fixed_window fixed;
        xg_sliding_window sliding;
        xg_token_bucket token;
    } u;
} xg__instance;

/* Start an instance of s's kind; a token bucket starts full with its refill
 * clock at now_ns (INT64_MIN: not started yet). XG_ERR_NOMEM if a sliding
 * window's log cannot be allocated, XG_ERR_INVALID for an unknown kind. */
xg_err xg__instance_init(xg__instance *in, const xg_bucket_spec *s,
                         int64_t guard_ns, int64_t now_ns);

/* Release what init allocated (a sliding window's log). */
void xg__instance_fini(xg__instance *in, const xg_bucket_spec *s);

/* As the primitives' *_earliest: now_ns if cost fits leaving keep unused,
 * else the earliest time it could, INT64_MAX if never. Takes nothing. */
int64_t xg__instance_earliest(xg__instance *in, const xg_bucket_spec *s,
                              int64_t cost, int64_t keep, int64_t now_ns);

/* Charge cost at now_ns without asking. */
void xg__instance_take(xg__instance *in, const xg_bucket_spec *s, int64_t cost,
                       int64_t now_ns);

/* Apply a venue report: `used` raises a window's count; `remaining` is
 * turned into used = limit - remaining for windows and lowers a token
 * bucket's level. Both only ever make the limiter stricter, so a
 * `remaining` above the limit is simply no correction. until_ns (0: not
 * reported) is where the venue's window ends: a sliding window holds its
 * correction only that long. */
void xg__instance_observe(xg__instance *in, const xg_bucket_spec *s,
                          int64_t used, int64_t remaining, int64_t until_ns,
                          int64_t now_ns);

/* Units counting against a request at now_ns, without changing in. */
int64_t xg__instance_used(const xg__instance *in, const xg_bucket_spec *s,
                          int64_t now_ns);

#endif
