/*
 * limiter_instance.c - the rate-limit primitives: how one limit instance
 * counts.
 *
 * Venues' limits are expressed with three primitives (fixed window, sliding
 * window, token bucket). This file holds their arithmetic (how much is
 * used, when the next unit frees, how a venue's report corrects the count)
 * and xg__instance, one primitive chosen by a bucket spec's kind. Every
 * answer is "now" or "not before T" on the caller's time axis: nothing here
 * reads a clock, sleeps or rounds through floating point. The module owns
 * the primitives' state (and the sliding windows' logs). It is separate
 * from limiter.c, which decides which instances exist and how much of each
 * a request may use (buckets, scopes, priorities, reserves): here one
 * instance answers for itself and knows nothing of venues, buckets or
 * priorities. Which buckets a venue has, and what each request costs, is
 * the adapters' knowledge, and waiting until T is the event loop's.
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

#include "limiter_int.h"

__extension__ typedef __int128 xg__i128;

struct xg_slide_entry {
    int64_t t_ns;
    int64_t cost;
};

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
/* --- one instance of a bucket's kind ---------------------------------- */

xg_err
xg__instance_init(xg__instance *in, const xg_bucket_spec *s, int64_t guard_ns,
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

void
xg__instance_fini(xg__instance *in, const xg_bucket_spec *s)
{
    if (s->kind == XG_LIMIT_SLIDING_WINDOW) {
        xg_sliding_window_fini(&in->u.sliding);
    }
}

int64_t
xg__instance_earliest(xg__instance *in, const xg_bucket_spec *s, int64_t cost,
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

void
xg__instance_take(xg__instance *in, const xg_bucket_spec *s, int64_t cost,
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

void
xg__instance_observe(xg__instance *in, const xg_bucket_spec *s, int64_t used,
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

int64_t
xg__instance_used(const xg__instance *in, const xg_bucket_spec *s,
                  int64_t now_ns)
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
