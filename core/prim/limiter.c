/*
 * limiter.c - the per-venue limiter, built from an adapter's bucket specs.
 *
 * It owns the buckets: one limit instance each, or one per scope (an
 * instrument) in an open-addressing table filled on first use. It decides
 * how much of a bucket each priority may use (the cancel, new-order, query
 * and reconciliation reserves), admits a request's (bucket, cost) list all
 * or nothing in xg_limiter_reserve, and routes a venue's usage reports to
 * the instance they concern. How one instance counts (fixed window, sliding
 * window, token bucket, and the clock guard that widens them) is
 * limiter_instance.c, reached through limiter_int.h; nothing here looks
 * inside an instance except a single token bucket's refill clock, which
 * starts at its first use. Like the primitives it reads no clock and never
 * sleeps: now_ns is a parameter and "not before T" an answer.
 */
#include "xgate/limiter.h"

#include <stdlib.h>
#include <string.h>

#include "limiter_int.h"

/* Per-scope buckets get at most this many scopes (instruments). Beyond it
 * reserve fails with XG_ERR_BUSY: evicting a scope would forget units the
 * venue still counts, and thousands of live instruments on one venue
 * means a runaway strategy rather than a need for more room. */
#define XG_LIMITER_MAX_SCOPES 4096

typedef struct xg__scope_slot {
    uint32_t key;
    int in_use;
    xg__instance inst;
} xg__scope_slot;

typedef struct xg__bucket {
    xg_bucket_spec spec;
    xg__instance single; /* buckets without XG_BUCKET_PER_SCOPE */
    /* Per-scope buckets: open addressing, linear probing, power-of-two
     * capacity kept at most half full. */
    xg__scope_slot *slots;
    size_t slot_cap;
    size_t n_scopes;
} xg__bucket;

struct xg_limiter {
    xg__bucket *buckets;
    size_t n;
    int64_t guard_ns;
    int64_t reconcile_share_pct; /* 1..100, see keep_for() */
    int64_t share_pct;           /* 1..100, see keep_for() */
};

static int
spec_is_valid(const xg_bucket_spec *s)
{
    if (strnlen(s->name, XG_BUCKET_NAME_MAX) >= XG_BUCKET_NAME_MAX) {
        return 0;
    }
    if (s->limit <= 0 || s->window_ns <= 0 || s->reserve_cancel < 0 ||
        s->reserve_new < 0 ||
        (s->flags & ~(XG_BUCKET_PER_SCOPE | XG_BUCKET_PER_ACCOUNT)) != 0) {
        return 0;
    }
    /* Queries must be able to use at least one unit. */
    if (s->reserve_cancel > s->limit - 1 ||
        s->reserve_new > s->limit - 1 - s->reserve_cancel) {
        return 0;
    }
    switch (s->kind) {
    case XG_LIMIT_FIXED_WINDOW:
        return s->anchor == XG_ANCHOR_CLOCK || s->anchor == XG_ANCHOR_FIRST_USE;
    case XG_LIMIT_SLIDING_WINDOW:
        return s->limit <= XG_SLIDING_LIMIT_MAX;
    case XG_LIMIT_TOKEN_BUCKET:
        return 1;
    }
    return 0;
}

xg_limiter *
xg_limiter_new(const xg_bucket_spec *specs, size_t n, int64_t guard_ns)
{
    if ((specs == NULL && n > 0) || n > (size_t)UINT16_MAX + 1 ||
        guard_ns < 0) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!spec_is_valid(&specs[i])) {
            return NULL;
        }
    }
    xg_limiter *l = calloc(1, sizeof(*l));
    if (l == NULL) {
        return NULL;
    }
    l->buckets = calloc(n > 0 ? n : 1, sizeof(*l->buckets));
    if (l->buckets == NULL) {
        free(l);
        return NULL;
    }
    l->guard_ns = guard_ns;
    l->reconcile_share_pct = 100;
    l->share_pct = 100;
    for (size_t i = 0; i < n; i++) {
        xg__bucket *b = &l->buckets[i];
        b->spec = specs[i];
        /* Counted as built only once its single instance owns memory, so
         * destroy frees exactly what was allocated. */
        if (!(b->spec.flags & XG_BUCKET_PER_SCOPE)) {
            /* A token bucket starts full; its refill clock starts at the
             * first call (xg__instance_init with INT64_MIN). */
            if (xg__instance_init(&b->single, &b->spec, guard_ns, INT64_MIN) !=
                XG_OK) {
                xg_limiter_destroy(&l);
                return NULL;
            }
        }
        l->n = i + 1;
    }
    return l;
}

void
xg_limiter_destroy(xg_limiter **lp)
{
    if (lp == NULL || *lp == NULL) {
        return;
    }
    xg_limiter *l = *lp;
    for (size_t i = 0; i < l->n; i++) {
        xg__bucket *b = &l->buckets[i];
        if (b->spec.flags & XG_BUCKET_PER_SCOPE) {
            for (size_t k = 0; k < b->slot_cap; k++) {
                if (b->slots[k].in_use) {
                    xg__instance_fini(&b->slots[k].inst, &b->spec);
                }
            }
            free(b->slots);
        } else {
            xg__instance_fini(&b->single, &b->spec);
        }
    }
    free(l->buckets);
    free(l);
    *lp = NULL;
}

static size_t
scope_hash(uint32_t key)
{
    /* Fibonacci hashing: scopes are often small consecutive integers. */
    return (size_t)((key * 2654435769u) >> 7);
}

static xg__scope_slot *
scope_find(const xg__bucket *b, uint32_t key)
{
    if (b->slot_cap == 0) {
        return NULL;
    }
    size_t mask = b->slot_cap - 1;
    for (size_t i = scope_hash(key) & mask;; i = (i + 1) & mask) {
        if (!b->slots[i].in_use) {
            return NULL;
        }
        if (b->slots[i].key == key) {
            return &b->slots[i];
        }
    }
}

static xg_err
scope_grow(xg__bucket *b)
{
    size_t cap = b->slot_cap == 0 ? 16 : b->slot_cap * 2;
    xg__scope_slot *slots = calloc(cap, sizeof(*slots));
    if (slots == NULL) {
        return XG_ERR_NOMEM;
    }
    for (size_t k = 0; k < b->slot_cap; k++) {
        if (!b->slots[k].in_use) {
            continue;
        }
        size_t i = scope_hash(b->slots[k].key) & (cap - 1);
        while (slots[i].in_use) {
            i = (i + 1) & (cap - 1);
        }
        slots[i] = b->slots[k]; /* moves the sliding log pointer with it */
    }
    free(b->slots);
    b->slots = slots;
    b->slot_cap = cap;
    return XG_OK;
}

/* The instance charged for (bucket, scope), created on first use. */
static xg_err
instance_get(xg_limiter *l, xg__bucket *b, uint32_t scope, int64_t now_ns,
             xg__instance **out)
{
    if (!(b->spec.flags & XG_BUCKET_PER_SCOPE)) {
        if (b->spec.kind == XG_LIMIT_TOKEN_BUCKET &&
            b->single.u.token.last_ns == INT64_MIN) {
            b->single.u.token.last_ns = now_ns;
        }
        *out = &b->single;
        return XG_OK;
    }
    xg__scope_slot *slot = scope_find(b, scope);
    if (slot != NULL) {
        *out = &slot->inst;
        return XG_OK;
    }
    if (b->n_scopes >= XG_LIMITER_MAX_SCOPES) {
        return XG_ERR_BUSY;
    }
    if ((b->n_scopes + 1) * 2 > b->slot_cap) {
        xg_err err = scope_grow(b);
        if (err != XG_OK) {
            return err;
        }
    }
    size_t mask = b->slot_cap - 1;
    size_t i = scope_hash(scope) & mask;
    while (b->slots[i].in_use) {
        i = (i + 1) & mask;
    }
    xg_err err =
        xg__instance_init(&b->slots[i].inst, &b->spec, l->guard_ns, now_ns);
    if (err != XG_OK) {
        return err;
    }
    b->slots[i].key = scope;
    b->slots[i].in_use = 1;
    b->n_scopes++;
    *out = &b->slots[i].inst;
    return XG_OK;
}

/* Units a reconciliation query must leave unused in a bucket of spec s
 * when it asks for `units`. The share is what recovering thousands of
 * orders may take of each window, so that reconciliation alone never
 * reaches the venue's limit; the rest stays for the traffic that arrives
 * meanwhile. */
/* floor(n * pct / 100) without overflowing for huge n. */
static int64_t
pct_of(int64_t n, int64_t pct)
{
    return (n / 100) * pct + (n % 100) * pct / 100;
}

static int64_t
reconcile_keep(const xg_limiter *l, const xg_bucket_spec *s, int64_t units)
{
    int64_t query_keep = s->reserve_cancel + s->reserve_new;
    int64_t allowed = pct_of(s->limit, l->reconcile_share_pct);
    if (allowed < 1) {
        allowed = 1; /* a share that rounds to nothing would stall it */
    }
    int64_t keep = max64(query_keep, s->limit - allowed);
    if (units > s->limit - keep && units <= s->limit - query_keep) {
        /* One request larger than the share would never go: let it into
         * an instance nothing else is using, the least it can take. */
        keep = s->limit - units;
    }
    return keep;
}

static int64_t
keep_of_whole(const xg_limiter *l, const xg_bucket_spec *s, xg_priority prio,
              int64_t units)
{
    switch (prio) {
    case XG_PRIO_CANCEL:
        return 0;
    case XG_PRIO_NEW:
        return s->reserve_cancel;
    case XG_PRIO_QUERY:
        return s->reserve_cancel + s->reserve_new;
    case XG_PRIO_RECONCILE:
        return reconcile_keep(l, s, units);
    }
    return s->reserve_cancel + s->reserve_new; /* unknown: strictest */
}

/* Units of s a request of prio may not use. With a share of the limiter
 * set (xg_limiter_set_share) the rest of each limit is kept too, and the
 * reserves shrink with the share; a single request larger than the share
 * may still go into an instance nothing else is using, as for
 * reconciliation. */
static int64_t
keep_for(const xg_limiter *l, const xg_bucket_spec *s, xg_priority prio,
         int64_t units)
{
    int64_t keep = keep_of_whole(l, s, prio, units);
    if (l->share_pct == 100) {
        return keep;
    }
    int64_t allowed = pct_of(s->limit, l->share_pct);
    int64_t shared_keep = s->limit - allowed + pct_of(keep, l->share_pct);
    if (units > s->limit - shared_keep) {
        shared_keep = max64(keep, s->limit - units);
    }
    return shared_keep;
}

/* Index of the first cost charging the same (bucket, scope) as costs[i],
 * so duplicates are checked as one sum. */
static size_t
first_same(const xg_limiter *l, const xg_cost *costs, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (costs[j].bucket == costs[i].bucket &&
            ((l->buckets[costs[i].bucket].spec.flags & XG_BUCKET_PER_SCOPE) ==
                 0 ||
             costs[j].scope == costs[i].scope)) {
            return j;
        }
    }
    return i;
}

xg_err
xg_limiter_reserve(xg_limiter *l, const xg_cost *costs, size_t n,
                   xg_priority prio, int64_t now_ns, int64_t *at_ns)
{
    if (l == NULL || at_ns == NULL || (costs == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    for (size_t i = 0; i < n; i++) {
        if (costs[i].bucket >= l->n || costs[i].units < 0) {
            return XG_ERR_INVALID;
        }
    }

    int64_t at = now_ns;
    for (size_t i = 0; i < n; i++) {
        if (first_same(l, costs, i) != i) {
            continue;
        }
        int64_t units = 0;
        for (size_t j = i; j < n; j++) {
            if (first_same(l, costs, j) == i) {
                units = sat_add(units, costs[j].units);
            }
        }
        xg__bucket *b = &l->buckets[costs[i].bucket];
        xg__instance *in = NULL;
        xg_err err = instance_get(l, b, costs[i].scope, now_ns, &in);
        if (err != XG_OK) {
            return err;
        }
        int64_t t = xg__instance_earliest(
            in, &b->spec, units, keep_for(l, &b->spec, prio, units), now_ns);
        if (t == INT64_MAX) {
            *at_ns = INT64_MAX;
            return XG_ERR_OVERFLOW;
        }
        at = max64(at, t);
    }
    *at_ns = at;
    if (at > now_ns) {
        return XG_OK; /* rate limited: an outcome, not a failure */
    }
    /* All fit: take them. Instances exist now, so this cannot fail. */
    for (size_t i = 0; i < n; i++) {
        xg__bucket *b = &l->buckets[costs[i].bucket];
        xg__instance *in = NULL;
        if (instance_get(l, b, costs[i].scope, now_ns, &in) == XG_OK) {
            xg__instance_take(in, &b->spec, costs[i].units, now_ns);
        }
    }
    return XG_OK;
}

xg_err
xg_limiter_set_reconcile_share(xg_limiter *l, unsigned share_pct)
{
    if (l == NULL || share_pct < 1 || share_pct > 100) {
        return XG_ERR_INVALID;
    }
    l->reconcile_share_pct = (int64_t)share_pct;
    return XG_OK;
}

xg_err
xg_limiter_set_share(xg_limiter *l, unsigned share_pct)
{
    if (l == NULL || share_pct < 1 || share_pct > 100) {
        return XG_ERR_INVALID;
    }
    l->share_pct = (int64_t)share_pct;
    return XG_OK;
}

void
xg_limiter_observe(xg_limiter *l, const xg_usage *usage, size_t n,
                   int64_t now_ns)
{
    if (l == NULL || usage == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const xg_usage *u = &usage[i];
        if (u->bucket >= l->n) {
            continue;
        }
        xg__bucket *b = &l->buckets[u->bucket];
        xg__instance *in = NULL;
        /* A report for a scope we never used still counts: someone else
         * spent those units. If the scope table is full, drop it. */
        if (instance_get(l, b, u->scope, now_ns, &in) != XG_OK) {
            continue;
        }
        /* The venue's window end, widened by the guard like every window
         * here; 0 when it was not reported. */
        int64_t until_ns = 0;
        if (u->reset_ms > 0 && u->reset_ms < INT64_MAX / 2000000) {
            until_ns = sat_add(sat_add(now_ns, u->reset_ms * 1000000),
                               l->guard_ns);
        }
        xg__instance_observe(in, &b->spec, u->used, u->remaining, until_ns,
                             now_ns);
    }
}

size_t
xg_limiter_bucket_count(const xg_limiter *l)
{
    return l == NULL ? 0 : l->n;
}

const xg_bucket_spec *
xg_limiter_bucket_spec(const xg_limiter *l, size_t i)
{
    if (l == NULL || i >= l->n) {
        return NULL;
    }
    return &l->buckets[i].spec;
}

int64_t
xg_limiter_bucket_used(const xg_limiter *l, size_t i, int64_t now_ns)
{
    if (l == NULL || i >= l->n) {
        return 0;
    }
    const xg__bucket *b = &l->buckets[i];
    if (!(b->spec.flags & XG_BUCKET_PER_SCOPE)) {
        if (b->spec.kind == XG_LIMIT_TOKEN_BUCKET &&
            b->single.u.token.last_ns == INT64_MIN) {
            return 0; /* never used: full */
        }
        return xg__instance_used(&b->single, &b->spec, now_ns);
    }
    int64_t busiest = 0;
    for (size_t k = 0; k < b->slot_cap; k++) {
        if (b->slots[k].in_use) {
            busiest = max64(busiest, xg__instance_used(&b->slots[k].inst,
                                                       &b->spec, now_ns));
        }
    }
    return busiest;
}
