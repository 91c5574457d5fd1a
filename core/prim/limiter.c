/*
 * limiter.c - rate-limit primitives and the per-venue limiter.
 *
 * Venues' limits are expressed with three primitives (fixed window, sliding
 * window, token bucket) and an xg_limiter built from an adapter's bucket
 * specs. Every answer is "now" or "not before T" on the caller's time axis:
 * nothing here reads a clock, sleeps or rounds through floating point. The
 * module owns the primitives' state (and the sliding windows' logs); which
 * buckets a venue has, and what each request costs, is the adapters'
 * knowledge, and waiting until T is the event loop's.
 *
 * Clock error. The core's estimate of the venue's clock can be off by up
 * to guard_ns either way, so a request sent at our time t lands somewhere
 * in [t - guard, t + guard] on the venue's axis:
 *  - A CLOCK-anchored fixed window charges a request to every window that
 *    interval touches (at most two, since guard is kept below half a
 *    window) and admits it only if it fits in each. So the old window's
 *    count still applies until its successor's start + guard, and requests
 *    sent just before a boundary also count in the next window. The state
 *    keeps the counts of two consecutive windows (used, next_used).
 *  - A FIRST_USE window (KuCoin's pool) starts when the venue sees the
 *    first request after the previous window ended; we consider a window
 *    over only at start + window + guard.
 *  - A sliding window's entries expire at t + window + guard.
 *  - A token bucket has no boundary, so the guard does not apply to it.
 */
#include "xgate/limiter.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* The sliding window keeps one entry per request; the brief bound keeps a
 * misread venue limit from allocating gigabytes. */
#define XG_SLIDING_LIMIT_MAX 1000000

/* Per-scope buckets get at most this many scopes (instruments). Beyond it
 * reserve fails with XG_ERR_BUSY: evicting a scope would forget units the
 * venue still counts, and thousands of live instruments on one venue
 * means a runaway strategy rather than a need for more room. */
#define XG_LIMITER_MAX_SCOPES 4096

__extension__ typedef __int128 xg__i128;

struct xg_slide_entry {
    int64_t t_ns;
    int64_t cost;
};

static int64_t
sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) {
        return b > 0 ? INT64_MAX : INT64_MIN;
    }
    return r;
}

static int64_t
sat_sub(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r)) {
        return b < 0 ? INT64_MAX : INT64_MIN;
    }
    return r;
}

static int64_t
max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* floor(a / b) * b for b > 0, also for negative a. */
static int64_t
floor_to(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && a < 0) {
        q -= 1;
    }
    return q * b;
}

/* --- fixed window ----------------------------------------------------- */

void
xg_fixed_window_init(xg_fixed_window *w, int64_t limit, int64_t window_ns,
                     xg_window_anchor anchor, int64_t guard_ns)
{
    assert(w != NULL && limit >= 0 && window_ns > 0);
    memset(w, 0, sizeof(*w));
    w->limit = limit;
    w->window_ns = window_ns;
    w->anchor = anchor;
    if (guard_ns < 0) {
        guard_ns = 0;
    }
    /* A CLOCK request may then touch at most two windows; a guard that
     * large would mean the clock estimate is useless anyway. */
    if (anchor == XG_ANCHOR_CLOCK && guard_ns > (window_ns - 1) / 2) {
        guard_ns = (window_ns - 1) / 2;
    }
    w->guard_ns = guard_ns;
    w->start_ns = INT64_MIN;
    w->used = 0;
    w->next_used = 0;
}

/* The windows a CLOCK request at now_ns may land in: lo <= hi, equal when
 * now is at least guard away from a boundary. A clock that went backwards
 * is clamped to the newest window we hold counts for. */
static void
fw_span(const xg_fixed_window *w, int64_t now_ns, int64_t *lo, int64_t *hi)
{
    int64_t a = floor_to(sat_sub(now_ns, w->guard_ns), w->window_ns);
    int64_t b = floor_to(sat_add(now_ns, w->guard_ns), w->window_ns);
    if (w->start_ns != INT64_MIN && a < w->start_ns) {
        a = w->start_ns;
        b = max64(b, a);
    }
    *lo = a;
    *hi = b;
}

/* Units charged to the CLOCK window starting at s. */
static int64_t
fw_count(const xg_fixed_window *w, int64_t s)
{
    if (w->start_ns == INT64_MIN) {
        return 0;
    }
    if (s == w->start_ns) {
        return w->used;
    }
    if (s == sat_add(w->start_ns, w->window_ns)) {
        return w->next_used;
    }
    return 0;
}

/* Move the two-slot state so start_ns == lo (lo >= start_ns, see fw_span). */
static void
fw_advance(xg_fixed_window *w, int64_t lo)
{
    if (w->start_ns == lo) {
        return;
    }
    if (w->start_ns != INT64_MIN && sat_add(w->start_ns, w->window_ns) == lo) {
        w->used = w->next_used;
    } else {
        w->used = 0;
    }
    w->next_used = 0;
    w->start_ns = lo;
}

/* FIRST_USE: is the window begun at start_ns still counting at now? */
static int
fw_first_use_active(const xg_fixed_window *w, int64_t now_ns)
{
    return w->start_ns != INT64_MIN &&
           now_ns < sat_add(sat_add(w->start_ns, w->window_ns), w->guard_ns);
}

int64_t
xg_fixed_window_earliest(const xg_fixed_window *w, int64_t cost, int64_t keep,
                         int64_t now_ns)
{
    int64_t cap = w->limit - keep;
    if (cost < 0 || cost > cap) {
        return INT64_MAX;
    }
    if (cost == 0) {
        return now_ns; /* charges nothing, even in a full window */
    }
    if (w->anchor == XG_ANCHOR_FIRST_USE) {
        if (fw_first_use_active(w, now_ns) && w->used > cap - cost) {
            return sat_add(sat_add(w->start_ns, w->window_ns), w->guard_ns);
        }
        return now_ns;
    }
    int64_t lo;
    int64_t hi;
    fw_span(w, now_ns, &lo, &hi);
    /* A window stops applying guard after its end; the later blocking
     * window decides. */
    if (hi != lo && fw_count(w, hi) > cap - cost) {
        return sat_add(sat_add(hi, w->window_ns), w->guard_ns);
    }
    if (fw_count(w, lo) > cap - cost) {
        return sat_add(sat_add(lo, w->window_ns), w->guard_ns);
    }
    return now_ns;
}

void
xg_fixed_window_take(xg_fixed_window *w, int64_t cost, int64_t now_ns)
{
    if (cost <= 0) {
        return;
    }
    if (w->anchor == XG_ANCHOR_FIRST_USE) {
        if (!fw_first_use_active(w, now_ns)) {
            w->start_ns = now_ns;
            w->used = 0;
        }
        w->used = sat_add(w->used, cost);
        return;
    }
    int64_t lo;
    int64_t hi;
    fw_span(w, now_ns, &lo, &hi);
    fw_advance(w, lo);
    w->used = sat_add(w->used, cost);
    if (hi != lo) {
        w->next_used = sat_add(w->next_used, cost);
    }
}

void
xg_fixed_window_observe(xg_fixed_window *w, int64_t used, int64_t now_ns)
{
    if (used <= 0) {
        return;
    }
    if (w->anchor == XG_ANCHOR_FIRST_USE) {
        if (!fw_first_use_active(w, now_ns)) {
            /* The venue's window began at some time <= now; starting ours
             * at now ends it no earlier than the venue's. */
            w->start_ns = now_ns;
            w->used = 0;
        }
        w->used = max64(w->used, used);
        return;
    }
    /* Within guard of a boundary the report may be for either window. It
     * is applied to the older one: applying an old window's large count
     * to the new window would block the new window for its whole length,
     * while the next report outside the guard corrects the new one. */
    int64_t lo;
    int64_t hi;
    fw_span(w, now_ns, &lo, &hi);
    fw_advance(w, lo);
    w->used = max64(w->used, used);
}

/* Units counting against a request at now (the fuller of its windows). */
static int64_t
fw_used_at(const xg_fixed_window *w, int64_t now_ns)
{
    if (w->anchor == XG_ANCHOR_FIRST_USE) {
        return fw_first_use_active(w, now_ns) ? w->used : 0;
    }
    int64_t lo;
    int64_t hi;
    fw_span(w, now_ns, &lo, &hi);
    return max64(fw_count(w, lo), fw_count(w, hi));
}

/* --- sliding window --------------------------------------------------- */

xg_err
xg_sliding_window_init(xg_sliding_window *w, int64_t limit, int64_t window_ns,
                       int64_t guard_ns)
{
    if (w == NULL) {
        return XG_ERR_INVALID;
    }
    memset(w, 0, sizeof(*w));
    if (limit < 1 || limit > XG_SLIDING_LIMIT_MAX || window_ns <= 0 ||
        guard_ns < 0) {
        return XG_ERR_INVALID;
    }
    /* Every logged entry carries at least one unit, so `limit` entries
     * cover any admissible window. */
    w->log = calloc((size_t)limit, sizeof(*w->log));
    if (w->log == NULL) {
        return XG_ERR_NOMEM;
    }
    w->cap = (size_t)limit;
    w->limit = limit;
    w->window_ns = window_ns;
    w->guard_ns = guard_ns;
    return XG_OK;
}

void
xg_sliding_window_fini(xg_sliding_window *w)
{
    if (w == NULL) {
        return;
    }
    free(w->log);
    memset(w, 0, sizeof(*w));
}

static int64_t
sw_expiry(const xg_sliding_window *w, const struct xg_slide_entry *e)
{
    return sat_add(sat_add(e->t_ns, w->window_ns), w->guard_ns);
}

static struct xg_slide_entry *
sw_at(const xg_sliding_window *w, size_t i)
{
    return &w->log[(w->head + i) % w->cap];
}

static void
sw_expire(xg_sliding_window *w, int64_t now_ns)
{
    while (w->count > 0 && sw_expiry(w, sw_at(w, 0)) <= now_ns) {
        w->used -= sw_at(w, 0)->cost;
        w->head = (w->head + 1) % w->cap;
        w->count--;
    }
}

/* When cost fits under cap counting only our own log (after sw_expire). */
static int64_t
sw_earliest_under(const xg_sliding_window *w, int64_t cost, int64_t cap,
                  int64_t now_ns)
{
    if (cost > cap) {
        return INT64_MAX;
    }
    int64_t need = w->used - (cap - cost); /* units that must expire first */
    if (need <= 0) {
        return now_ns;
    }
    int64_t freed = 0;
    for (size_t i = 0; i < w->count; i++) {
        const struct xg_slide_entry *e = sw_at(w, i);
        freed += e->cost;
        if (freed >= need) {
            return sw_expiry(w, e);
        }
    }
    /* Unreachable while used is the sum of the log; be safe anyway. */
    return INT64_MAX;
}

int64_t
xg_sliding_window_earliest(xg_sliding_window *w, int64_t cost, int64_t keep,
                           int64_t now_ns)
{
    int64_t cap = w->limit - keep;
    if (cost < 0 || cost > cap) {
        return INT64_MAX;
    }
    sw_expire(w, now_ns);
    if (cost == 0) {
        return now_ns;
    }
    if (now_ns >= w->others_until_ns || w->others == 0) {
        return sw_earliest_under(w, cost, cap, now_ns);
    }
    /* While the venue's window lasts its other units take room too; after
     * it only our own log counts. */
    int64_t during = sw_earliest_under(w, cost, cap - w->others, now_ns);
    if (during < w->others_until_ns) {
        return during;
    }
    return max64(sw_earliest_under(w, cost, cap, now_ns), w->others_until_ns);
}

/* Append cost at now. Entry times never decrease (a clock stepping back
 * is treated as "now = last entry"), so the log stays sorted by expiry. */
static void
sw_append(xg_sliding_window *w, int64_t cost, int64_t now_ns)
{
    if (w->count > 0) {
        struct xg_slide_entry *last = sw_at(w, w->count - 1);
        if (now_ns <= last->t_ns || w->count == w->cap) {
            /* Same instant, or a full log (only if the caller took
             * without asking): merge into the newest entry, moving it
             * later, which only makes its units expire later. */
            last->t_ns = max64(last->t_ns, now_ns);
            last->cost = sat_add(last->cost, cost);
            w->used = sat_add(w->used, cost);
            return;
        }
    }
    struct xg_slide_entry *e = &w->log[(w->head + w->count) % w->cap];
    e->t_ns = now_ns;
    e->cost = cost;
    w->count++;
    w->used = sat_add(w->used, cost);
}

void
xg_sliding_window_take(xg_sliding_window *w, int64_t cost, int64_t now_ns)
{
    if (cost <= 0 || w->cap == 0) {
        return;
    }
    sw_expire(w, now_ns);
    sw_append(w, cost, now_ns);
}

void
xg_sliding_window_observe_until(xg_sliding_window *w, int64_t used,
                                int64_t until_ns, int64_t now_ns)
{
    if (w->cap == 0 || until_ns <= now_ns) {
        return;
    }
    sw_expire(w, now_ns);
    int64_t excess = used - w->used;
    if (excess <= 0) {
        return;
    }
    if (now_ns < w->others_until_ns) {
        w->others = max64(w->others, excess);
        w->others_until_ns = max64(w->others_until_ns, until_ns);
    } else {
        w->others = excess;
        w->others_until_ns = until_ns;
    }
}

void
xg_sliding_window_observe(xg_sliding_window *w, int64_t used, int64_t now_ns)
{
    if (w->cap == 0) {
        return;
    }
    sw_expire(w, now_ns);
    if (used > w->used) {
        /* Units we did not send (another process, a restart) were spent
         * at unknown times in the last window; booking them at now makes
         * them expire last, which is the safe side. */
        sw_append(w, used - w->used, now_ns);
    }
}

static int64_t
sw_used_at(const xg_sliding_window *w, int64_t now_ns)
{
    int64_t used = 0;
    for (size_t i = 0; i < w->count; i++) {
        const struct xg_slide_entry *e = sw_at(w, i);
        if (sw_expiry(w, e) > now_ns) {
            used = sat_add(used, e->cost);
        }
    }
    return used;
}

/* --- token bucket ----------------------------------------------------- */

void
xg_token_bucket_init(xg_token_bucket *b, int64_t limit, int64_t refill_ns,
                     int64_t now_ns)
{
    assert(b != NULL && limit >= 0 && refill_ns > 0);
    b->limit = limit;
    b->refill_ns = refill_ns;
    b->level = limit;
    b->last_ns = now_ns;
    b->carry = 0;
}

/* Level and carry at now_ns without changing b. Refill over dt is
 * (dt * limit + carry) / refill_ns units, the remainder carried, so many
 * small steps add up to exactly what one large step gives. */
static void
tb_level_at(const xg_token_bucket *b, int64_t now_ns, int64_t *level,
            int64_t *carry)
{
    *level = b->level;
    *carry = b->carry;
    if (now_ns <= b->last_ns || b->level >= b->limit) {
        if (b->level >= b->limit) {
            *carry = 0;
        }
        return;
    }
    xg__i128 num =
        (xg__i128)((xg__i128)now_ns - b->last_ns) * b->limit + b->carry;
    xg__i128 add = num / b->refill_ns;
    xg__i128 lvl = (xg__i128)b->level + add;
    if (lvl >= b->limit) {
        /* A full bucket holds no fraction of a unit. */
        *level = b->limit;
        *carry = 0;
    } else {
        *level = (int64_t)lvl;
        *carry = (int64_t)(num % b->refill_ns);
    }
}

static void
tb_refill(xg_token_bucket *b, int64_t now_ns)
{
    if (now_ns <= b->last_ns) {
        return; /* a clock stepping back refills nothing */
    }
    tb_level_at(b, now_ns, &b->level, &b->carry);
    b->last_ns = now_ns;
}

int64_t
xg_token_bucket_earliest(xg_token_bucket *b, int64_t cost, int64_t keep,
                         int64_t now_ns)
{
    if (cost < 0 || cost > b->limit - keep) {
        return INT64_MAX;
    }
    tb_refill(b, now_ns);
    if (cost == 0 || b->level - keep >= cost) {
        return now_ns;
    }
    /* Smallest dt with (dt * limit + carry) / refill_ns >= need, counted
     * from last_ns (which is >= now_ns after the refill). */
    xg__i128 need = (xg__i128)cost + keep - b->level;
    xg__i128 num = need * b->refill_ns - b->carry;
    xg__i128 dt = (num + b->limit - 1) / b->limit;
    xg__i128 at = (xg__i128)b->last_ns + dt;
    if (at > INT64_MAX) {
        return INT64_MAX;
    }
    return max64((int64_t)at, now_ns);
}

void
xg_token_bucket_take(xg_token_bucket *b, int64_t cost, int64_t now_ns)
{
    if (cost <= 0) {
        return;
    }
    tb_refill(b, now_ns);
    /* May go below zero if the caller took without asking; the debt is
     * repaid by refill before anything else fits. */
    b->level = sat_sub(b->level, cost);
}

void
xg_token_bucket_observe(xg_token_bucket *b, int64_t remaining, int64_t now_ns)
{
    if (remaining < 0) {
        return;
    }
    tb_refill(b, now_ns);
    if (remaining < b->level) {
        b->level = remaining;
        b->carry = 0;
    }
}

/* --- the per-venue limiter -------------------------------------------- */

typedef struct xg__instance {
    union {
        xg_fixed_window fixed;
        xg_sliding_window sliding;
        xg_token_bucket token;
    } u;
} xg__instance;

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
};

static xg_err
instance_init(xg__instance *in, const xg_bucket_spec *s, int64_t guard_ns,
              int64_t now_ns)
{
    memset(in, 0, sizeof(*in));
    switch (s->kind) {
    case XG_LIMIT_FIXED_WINDOW:
        xg_fixed_window_init(&in->u.fixed, s->limit, s->window_ns, s->anchor,
                             guard_ns);
        return XG_OK;
    case XG_LIMIT_SLIDING_WINDOW:
        return xg_sliding_window_init(&in->u.sliding, s->limit, s->window_ns,
                                      guard_ns);
    case XG_LIMIT_TOKEN_BUCKET:
        xg_token_bucket_init(&in->u.token, s->limit, s->window_ns, now_ns);
        return XG_OK;
    }
    return XG_ERR_INVALID;
}

static void
instance_fini(xg__instance *in, const xg_bucket_spec *s)
{
    if (s->kind == XG_LIMIT_SLIDING_WINDOW) {
        xg_sliding_window_fini(&in->u.sliding);
    }
}

static int64_t
instance_earliest(xg__instance *in, const xg_bucket_spec *s, int64_t cost,
                  int64_t keep, int64_t now_ns)
{
    switch (s->kind) {
    case XG_LIMIT_FIXED_WINDOW:
        return xg_fixed_window_earliest(&in->u.fixed, cost, keep, now_ns);
    case XG_LIMIT_SLIDING_WINDOW:
        return xg_sliding_window_earliest(&in->u.sliding, cost, keep, now_ns);
    case XG_LIMIT_TOKEN_BUCKET:
        return xg_token_bucket_earliest(&in->u.token, cost, keep, now_ns);
    }
    return INT64_MAX;
}

static void
instance_take(xg__instance *in, const xg_bucket_spec *s, int64_t cost,
              int64_t now_ns)
{
    switch (s->kind) {
    case XG_LIMIT_FIXED_WINDOW:
        xg_fixed_window_take(&in->u.fixed, cost, now_ns);
        break;
    case XG_LIMIT_SLIDING_WINDOW:
        xg_sliding_window_take(&in->u.sliding, cost, now_ns);
        break;
    case XG_LIMIT_TOKEN_BUCKET:
        xg_token_bucket_take(&in->u.token, cost, now_ns);
        break;
    }
}

/* Apply a venue report: `used` raises a window's count; `remaining` is
 * turned into used = limit - remaining for windows and lowers a token
 * bucket's level. Both only ever make the limiter stricter, so a
 * `remaining` above the limit is simply no correction. until_ns (0: not
 * reported) is where the venue's window ends: a sliding window holds its
 * correction only that long. */
static void
instance_observe(xg__instance *in, const xg_bucket_spec *s, int64_t used,
                 int64_t remaining, int64_t until_ns, int64_t now_ns)
{
    switch (s->kind) {
    case XG_LIMIT_FIXED_WINDOW:
        if (used >= 0) {
            xg_fixed_window_observe(&in->u.fixed, used, now_ns);
        }
        if (remaining >= 0) {
            xg_fixed_window_observe(&in->u.fixed, s->limit - remaining, now_ns);
        }
        break;
    case XG_LIMIT_SLIDING_WINDOW:
        if (remaining >= 0) {
            used = max64(used, s->limit - remaining);
        }
        if (used >= 0 && until_ns > now_ns) {
            xg_sliding_window_observe_until(&in->u.sliding, used, until_ns,
                                            now_ns);
        } else if (used >= 0) {
            xg_sliding_window_observe(&in->u.sliding, used, now_ns);
        }
        break;
    case XG_LIMIT_TOKEN_BUCKET:
        if (used >= 0) {
            xg_token_bucket_observe(&in->u.token, max64(0, s->limit - used),
                                    now_ns);
        }
        if (remaining >= 0) {
            xg_token_bucket_observe(&in->u.token, remaining, now_ns);
        }
        break;
    }
}

static int64_t
instance_used(const xg__instance *in, const xg_bucket_spec *s, int64_t now_ns)
{
    int64_t level;
    int64_t carry;
    switch (s->kind) {
    case XG_LIMIT_FIXED_WINDOW:
        return fw_used_at(&in->u.fixed, now_ns);
    case XG_LIMIT_SLIDING_WINDOW:
        return sw_used_at(&in->u.sliding, now_ns);
    case XG_LIMIT_TOKEN_BUCKET:
        tb_level_at(&in->u.token, now_ns, &level, &carry);
        return s->limit - level;
    }
    return 0;
}

static int
spec_is_valid(const xg_bucket_spec *s)
{
    if (strnlen(s->name, XG_BUCKET_NAME_MAX) >= XG_BUCKET_NAME_MAX) {
        return 0;
    }
    if (s->limit <= 0 || s->window_ns <= 0 || s->reserve_cancel < 0 ||
        s->reserve_new < 0 || (s->flags & ~XG_BUCKET_PER_SCOPE) != 0) {
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
    for (size_t i = 0; i < n; i++) {
        xg__bucket *b = &l->buckets[i];
        b->spec = specs[i];
        /* Counted as built only once its single instance owns memory, so
         * destroy frees exactly what was allocated. */
        if (!(b->spec.flags & XG_BUCKET_PER_SCOPE)) {
            /* A token bucket starts full; its refill clock starts at the
             * first call, see instance_single(). */
            if (instance_init(&b->single, &b->spec, guard_ns, INT64_MIN) !=
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
                    instance_fini(&b->slots[k].inst, &b->spec);
                }
            }
            free(b->slots);
        } else {
            instance_fini(&b->single, &b->spec);
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
        instance_init(&b->slots[i].inst, &b->spec, l->guard_ns, now_ns);
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
static int64_t
reconcile_keep(const xg_limiter *l, const xg_bucket_spec *s, int64_t units)
{
    int64_t query_keep = s->reserve_cancel + s->reserve_new;
    /* floor(limit * share / 100) without overflowing for huge limits. */
    int64_t share = l->reconcile_share_pct;
    int64_t allowed = (s->limit / 100) * share + (s->limit % 100) * share / 100;
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
keep_for(const xg_limiter *l, const xg_bucket_spec *s, xg_priority prio,
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
        int64_t t = instance_earliest(
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
            instance_take(in, &b->spec, costs[i].units, now_ns);
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
        instance_observe(in, &b->spec, u->used, u->remaining, until_ns,
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
        return instance_used(&b->single, &b->spec, now_ns);
    }
    int64_t busiest = 0;
    for (size_t k = 0; k < b->slot_cap; k++) {
        if (b->slots[k].in_use) {
            busiest = max64(busiest,
                            instance_used(&b->slots[k].inst, &b->spec, now_ns));
        }
    }
    return busiest;
}
