/*
 * The market of each instrument (see book.h): the reference price's
 * seeded random walk, the synthetic levels around it, the per-side index
 * of resting orders, and the matching that finds every fill. The money of
 * a fill is book.c's (xg_sim__book_fill); this file decides who trades
 * with whom, at what price and how much.
 *
 * The walk is a splitmix64 sequence from the instrument's seed: step k
 * moves the reference by (r_k mod (2w+1)) - w ticks, so a seed and a
 * number of steps give one path, whatever the time between calls. Steps
 * fall every walk_ms of the time the book is called with (advance), so a
 * test that pauses the walk or sets the price sees exact behaviour.
 *
 * Synthetic liquidity: levels bids and levels asks, level k at
 * spread_ticks + k * level_ticks ticks from the reference, level_qty each.
 * What takers consume stays consumed until the reference moves (the
 * levels are rebuilt around the new price) or refill_ms passes. When the
 * book is rebuilt, a resting order it now crosses fills as maker at its
 * own price, from the best level up, as far as the levels' quantity goes:
 * that is how a resting order fills, in parts, as the market moves
 * through it.
 *
 * Resting orders are indexed per side in an array sorted from the worst
 * to the best (price, then order id, which is time), so the best is at
 * the end: a taker walks down from there, a maker crossing pops it, and
 * inserting or removing one is a binary search and a memmove. Nothing
 * here scans every order.
 */
#include "market.h"

#include <stdlib.h>
#include <string.h>

/* ---- the walk ----------------------------------------------------------- */

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, every value
 * from it; small, fast and good enough for a price path. */
static uint64_t
market_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Price of synthetic level `level` of the side (XG_SIM_BUY: bids), 0 if
 * it is off the instrument's price range. */
static int64_t
market_level_price(const xg_sim_book *b, size_t inst, xg_sim_side side,
                   size_t level)
{
    const xg_sim_market *m = &b->markets[inst];
    const xg_sim_instrument *in = &b->instruments[inst];
    int64_t ticks = m->p.spread_ticks + (int64_t)level * m->p.level_ticks;
    int64_t price = 0;

    if (side == XG_SIM_BUY) {
        price = in->ref_price - ticks * in->tick;
        return price >= in->min_price && price > 0 ? price : 0;
    }
    price = in->ref_price + ticks * in->tick;
    return price <= in->max_price ? price : 0;
}

static int64_t *
market_left(xg_sim_market *m, xg_sim_side side)
{
    return side == XG_SIM_BUY ? m->bid_left : m->ask_left;
}

static void
market_refill(xg_sim_market *m)
{
    for (int64_t k = 0; k < m->p.levels; k++) {
        m->bid_left[k] = m->p.level_qty;
        m->ask_left[k] = m->p.level_qty;
    }
    m->is_consumed = false;
}

/* Best synthetic level of side with quantity left, or -1. */
static int64_t
market_best_level(const xg_sim_book *b, size_t inst, xg_sim_side side)
{
    const xg_sim_market *m = &b->markets[inst];
    const int64_t *left = side == XG_SIM_BUY ? m->bid_left : m->ask_left;

    for (int64_t k = 0; k < m->p.levels; k++) {
        if (left[k] > 0 && market_level_price(b, inst, side, (size_t)k) > 0) {
            return k;
        }
    }
    return -1;
}

/* ---- the index of resting orders ---------------------------------------- */

/* Whether order x is better than y on side: higher bid / lower ask, then
 * older. */
static bool
market_is_better(const xg_sim_order *x, const xg_sim_order *y, xg_sim_side side)
{
    if (x->price != y->price) {
        return side == XG_SIM_BUY ? x->price > y->price : x->price < y->price;
    }
    return x->priority < y->priority;
}

static void
market_side(xg_sim_market *m, xg_sim_side side, size_t ***arr, size_t **n,
            size_t **cap)
{
    if (side == XG_SIM_BUY) {
        *arr = &m->bids;
        *n = &m->nbids;
        *cap = &m->bids_cap;
    } else {
        *arr = &m->asks;
        *n = &m->nasks;
        *cap = &m->asks_cap;
    }
}

/* First position in arr[0..n) whose order is not worse than o: where o
 * goes, or where it is. */
static size_t
market_lower_bound(const xg_sim_book *b, const size_t *arr, size_t n,
                   const xg_sim_order *o)
{
    size_t lo = 0;
    size_t hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (market_is_better(o, &b->orders[arr[mid]], o->side)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

xg_err
xg_sim__market_reserve(xg_sim_book *b, size_t instrument, xg_sim_side side)
{
    size_t **arr = NULL;
    size_t *n = NULL;
    size_t *cap = NULL;

    market_side(&b->markets[instrument], side, &arr, &n, &cap);
    if (*n < *cap) {
        return XG_OK;
    }
    size_t want = *cap != 0 ? *cap * 2 : 256;
    size_t *grown = realloc(*arr, want * sizeof(*grown));
    if (grown == NULL) {
        return XG_ERR_NOMEM;
    }
    *arr = grown;
    *cap = want;
    return XG_OK;
}

void
xg_sim__market_rest(xg_sim_book *b, size_t oi)
{
    const xg_sim_order *o = &b->orders[oi];
    size_t **arr = NULL;
    size_t *n = NULL;
    size_t *cap = NULL;

    market_side(&b->markets[o->instrument], o->side, &arr, &n, &cap);
    size_t pos = market_lower_bound(b, *arr, *n, o);
    memmove(&(*arr)[pos + 1], &(*arr)[pos], (*n - pos) * sizeof(**arr));
    (*arr)[pos] = oi;
    (*n)++;
}

void
xg_sim__market_unrest(xg_sim_book *b, size_t oi)
{
    const xg_sim_order *o = &b->orders[oi];
    size_t **arr = NULL;
    size_t *n = NULL;
    size_t *cap = NULL;

    market_side(&b->markets[o->instrument], o->side, &arr, &n, &cap);
    /* The best is the usual one to leave: check the end first. */
    size_t pos = *n > 0 && (*arr)[*n - 1] == oi
                     ? *n - 1
                     : market_lower_bound(b, *arr, *n, o);
    if (pos < *n && (*arr)[pos] == oi) {
        memmove(&(*arr)[pos], &(*arr)[pos + 1], (*n - pos - 1) * sizeof(**arr));
        (*n)--;
    }
}

/* ---- set-up -------------------------------------------------------------- */

xg_err
xg_sim__market_init(xg_sim_book *b, size_t instrument)
{
    const xg_sim_book_config *c = &b->config;
    const xg_sim_instrument *in = &b->instruments[instrument];
    xg_sim_market *m = &b->markets[instrument];
    int64_t qty = 0;

    memset(m, 0, sizeof(*m));
    m->p.walk_ms = c->walk_ms;
    m->p.walk_ticks = c->walk_ticks;
    if (m->p.walk_ticks == 0) {
        /* About one basis point of the reference a step, at least a
         * tick. */
        m->p.walk_ticks = in->ref_price / 10000 / in->tick;
        if (m->p.walk_ticks < 1) {
            m->p.walk_ticks = 1;
        }
    }
    m->p.seed = c->seed + (int64_t)instrument;
    m->p.paused = c->walk == 0;
    m->p.levels = c->levels;
    if (xg_sim_fixed_div(c->level_notional * XG_SIM_SCALE, in->ref_price,
                         &qty) != XG_OK) {
        qty = in->max_qty;
    }
    m->p.level_qty = qty - qty % in->step;
    m->p.spread_ticks = c->spread_ticks;
    m->p.level_ticks = c->level_ticks;
    m->p.refill_ms = c->refill_ms;
    m->rng = (uint64_t)m->p.seed;
    m->open_price = in->ref_price;
    market_refill(m);
    return XG_OK;
}

void
xg_sim__market_fini(xg_sim_market *m)
{
    free(m->bids);
    free(m->asks);
    m->bids = NULL;
    m->asks = NULL;
}

/* ---- maker fills as the book moves --------------------------------------- */

/* Fill the resting orders of side that the opposite synthetic levels now
 * reach, best order first, each at its own price; returns how many
 * orders got a fill. */
static size_t
market_cross_side(xg_sim_book *b, size_t inst, xg_sim_side side, int64_t now_ms)
{
    xg_sim_market *m = &b->markets[inst];
    xg_sim_side other = side == XG_SIM_BUY ? XG_SIM_SELL : XG_SIM_BUY;
    int64_t *left = market_left(m, other);
    size_t count = 0;
    size_t counted = SIZE_MAX;

    for (;;) {
        size_t n = side == XG_SIM_BUY ? m->nbids : m->nasks;
        if (n == 0) {
            break;
        }
        size_t oi = (side == XG_SIM_BUY ? m->bids : m->asks)[n - 1];
        const xg_sim_order *o = &b->orders[oi];
        int64_t k = market_best_level(b, inst, other);
        if (k < 0) {
            break;
        }
        int64_t p = market_level_price(b, inst, other, (size_t)k);
        if (side == XG_SIM_BUY ? p > o->price : p < o->price) {
            break;
        }
        int64_t q = o->qty - o->filled;
        if (left[k] < q) {
            q = left[k];
        }
        left[k] -= q;
        m->is_consumed = true;
        m->consumed_ms = now_ms;
        if (counted != oi) {
            counted = oi;
            count++;
        }
        xg_sim__book_fill(b, oi, o->price, q, true, ++b->next_trade_id, now_ms);
    }
    return count;
}

static size_t
market_cross(xg_sim_book *b, size_t inst, int64_t now_ms)
{
    return market_cross_side(b, inst, XG_SIM_BUY, now_ms) +
           market_cross_side(b, inst, XG_SIM_SELL, now_ms);
}

/* One walk step at now_ms; returns how many orders it filled. */
static size_t
market_step(xg_sim_book *b, size_t inst, int64_t now_ms)
{
    xg_sim_market *m = &b->markets[inst];
    xg_sim_instrument *in = &b->instruments[inst];
    uint64_t span = (uint64_t)(2 * m->p.walk_ticks + 1);
    int64_t delta = (int64_t)(market_next(&m->rng) % span) - m->p.walk_ticks;

    m->steps++;
    if (delta == 0) {
        return 0;
    }
    /* The whole synthetic book stays within the price range. */
    int64_t reach =
        (m->p.spread_ticks + m->p.levels * m->p.level_ticks) * in->tick;
    int64_t lo = in->min_price + reach;
    int64_t hi = in->max_price - reach;
    int64_t price = in->ref_price + delta * in->tick;
    if (lo <= hi) {
        price = price < lo ? lo : price > hi ? hi : price;
    }
    if (price <= 0 || price == in->ref_price) {
        return 0;
    }
    in->ref_price = price;
    market_refill(m);
    return market_cross(b, inst, now_ms);
}

void
xg_sim__market_advance(xg_sim_book *b, size_t instrument, int64_t now_ms)
{
    xg_sim_market *m = &b->markets[instrument];

    if (!m->has_clock) {
        m->has_clock = true;
        m->last_ms = now_ms;
    }
    if (!m->p.paused && now_ms > m->last_ms &&
        (now_ms - m->last_ms) / m->p.walk_ms > XG_SIM_MAX_CATCHUP) {
        m->last_ms = now_ms - (now_ms - m->last_ms) % m->p.walk_ms -
                     XG_SIM_MAX_CATCHUP * m->p.walk_ms;
    }
    /* Steps and refills happen at their own times, in time order, not at
     * the time of the call: the same seed gives the same fills however
     * often the book is called. */
    for (;;) {
        int64_t step_at = m->p.paused ? INT64_MAX : m->last_ms + m->p.walk_ms;
        int64_t refill_at =
            m->is_consumed ? m->consumed_ms + m->p.refill_ms : INT64_MAX;
        if (refill_at <= step_at && refill_at <= now_ms) {
            market_refill(m);
            market_cross(b, instrument, refill_at);
        } else if (step_at <= now_ms) {
            m->last_ms = step_at;
            market_step(b, instrument, step_at);
        } else {
            break;
        }
    }
    if (m->p.paused && now_ms > m->last_ms) {
        m->last_ms = now_ms;
    }
}

void
xg_sim_book_advance(xg_sim_book *b, int64_t now_ms)
{
    for (size_t i = 0; i < b->ninstruments; i++) {
        xg_sim__market_advance(b, i, now_ms);
    }
}

/* ---- takers -------------------------------------------------------------- */

static xg_err
market_plan_push(xg_sim_book *b, size_t n, const xg_sim_take *t)
{
    if (n == b->plan_cap) {
        size_t cap = b->plan_cap != 0 ? b->plan_cap * 2 : 64;
        xg_sim_take *p = realloc(b->plan, cap * sizeof(*p));
        if (p == NULL) {
            return XG_ERR_NOMEM;
        }
        b->plan = p;
        b->plan_cap = cap;
    }
    b->plan[n] = *t;
    return XG_OK;
}

xg_err
xg_sim__market_plan(xg_sim_book *b, size_t account, size_t instrument,
                    xg_sim_side side, int64_t limit, int64_t qty,
                    int64_t quote_budget, size_t *n, int64_t *taken,
                    int64_t *worst)
{
    xg_sim_market *m = &b->markets[instrument];
    const xg_sim_instrument *in = &b->instruments[instrument];
    xg_sim_side other = side == XG_SIM_BUY ? XG_SIM_SELL : XG_SIM_BUY;
    const size_t *arr = side == XG_SIM_BUY ? m->asks : m->bids;
    size_t j = side == XG_SIM_BUY ? m->nasks : m->nbids;
    const int64_t *left = market_left(m, other);
    int64_t k = 0;
    int64_t rem = qty;
    int64_t budget = quote_budget;
    xg_err err = XG_OK;

    *n = 0;
    *taken = 0;
    *worst = 0;
    while (quote_budget > 0 ? budget > 0 : rem > 0) {
        /* The next resting order of another account, the next synthetic
         * level with quantity; the better of the two, a resting order
         * first at an equal price. */
        while (j > 0 && b->orders[arr[j - 1]].account == account) {
            j--;
        }
        while (k < m->p.levels &&
               (left[k] <= 0 ||
                market_level_price(b, instrument, other, (size_t)k) == 0)) {
            k++;
        }
        const xg_sim_order *ro = j > 0 ? &b->orders[arr[j - 1]] : NULL;
        int64_t sp = k < m->p.levels
                         ? market_level_price(b, instrument, other, (size_t)k)
                         : 0;
        bool use_real =
            ro != NULL && (sp == 0 || (side == XG_SIM_BUY ? ro->price <= sp
                                                          : ro->price >= sp));
        if (ro == NULL && sp == 0) {
            break;
        }
        xg_sim_take t;
        memset(&t, 0, sizeof(t));
        t.price = use_real ? ro->price : sp;
        if (limit > 0 &&
            (side == XG_SIM_BUY ? t.price > limit : t.price < limit)) {
            break;
        }
        int64_t avail = use_real ? ro->qty - ro->filled : left[k];
        int64_t q = avail;
        if (quote_budget > 0) {
            int64_t afford = 0;
            if (xg_sim_fixed_div(budget, t.price, &afford) != XG_OK) {
                afford = avail;
            }
            afford -= afford % in->step;
            q = afford < q ? afford : q;
            if (q <= 0) {
                break;
            }
        } else if (rem < q) {
            q = rem;
        }
        t.qty = q;
        t.is_synthetic = !use_real;
        t.order = use_real ? arr[j - 1] : 0;
        t.level = use_real ? 0 : (size_t)k;
        err = market_plan_push(b, *n, &t);
        if (err != XG_OK) {
            return err;
        }
        (*n)++;
        *taken += q;
        *worst = t.price;
        rem -= q;
        if (quote_budget > 0) {
            int64_t cost = 0;
            if (xg_sim_fixed_mul(t.price, q, &cost) != XG_OK) {
                cost = budget;
            }
            budget -= cost;
        }
        if (q == avail) {
            if (use_real) {
                j--;
            } else {
                k++;
            }
        } else if (quote_budget > 0) {
            break; /* the budget ran out inside this level */
        }
    }
    return XG_OK;
}

void
xg_sim__market_consume(xg_sim_book *b, size_t instrument,
                       xg_sim_side taker_side, size_t level, int64_t qty,
                       int64_t now_ms)
{
    xg_sim_market *m = &b->markets[instrument];
    int64_t *left =
        market_left(m, taker_side == XG_SIM_BUY ? XG_SIM_SELL : XG_SIM_BUY);

    left[level] -= qty;
    m->is_consumed = true;
    m->consumed_ms = now_ms;
}

xg_err
xg_sim_book_quote_qty(xg_sim_book *b, size_t account, size_t instrument,
                      int64_t quote_amount, int64_t now_ms, int64_t *qty)
{
    size_t n = 0;
    int64_t worst = 0;

    *qty = 0;
    if (instrument >= b->ninstruments || quote_amount <= 0) {
        return XG_OK;
    }
    xg_sim__market_advance(b, instrument, now_ms);
    return xg_sim__market_plan(b, account, instrument, XG_SIM_BUY, 0, 0,
                               quote_amount, &n, qty, &worst);
}

/* ---- what the admin API and dialects ask ----------------------------------
 */

int64_t
xg_sim_book_best(const xg_sim_book *b, size_t instrument, xg_sim_side side)
{
    const xg_sim_market *m = &b->markets[instrument];
    const size_t *arr = side == XG_SIM_BUY ? m->bids : m->asks;
    size_t n = side == XG_SIM_BUY ? m->nbids : m->nasks;
    int64_t k = market_best_level(b, instrument, side);
    int64_t sp =
        k >= 0 ? market_level_price(b, instrument, side, (size_t)k) : 0;
    int64_t rp = n > 0 ? b->orders[arr[n - 1]].price : 0;

    if (rp == 0 || sp == 0) {
        return rp != 0 ? rp : sp;
    }
    if (side == XG_SIM_BUY) {
        return rp > sp ? rp : sp;
    }
    return rp < sp ? rp : sp;
}

size_t
xg_sim_book_depth(const xg_sim_book *b, size_t instrument, xg_sim_side side,
                  size_t max, xg_sim_level *out)
{
    const xg_sim_market *m = &b->markets[instrument];
    const int64_t *left = side == XG_SIM_BUY ? m->bid_left : m->ask_left;
    const size_t *arr = side == XG_SIM_BUY ? m->bids : m->asks;
    size_t j = side == XG_SIM_BUY ? m->nbids : m->nasks;
    int64_t k = 0;
    size_t n = 0;

    /* Merge the synthetic levels (best first) with the resting orders
     * (best at the end), one output level per price. */
    for (;;) {
        while (k < m->p.levels &&
               (left[k] <= 0 ||
                market_level_price(b, instrument, side, (size_t)k) == 0)) {
            k++;
        }
        int64_t sp = k < m->p.levels
                         ? market_level_price(b, instrument, side, (size_t)k)
                         : 0;
        const xg_sim_order *ro = j > 0 ? &b->orders[arr[j - 1]] : NULL;
        if (ro == NULL && sp == 0) {
            break;
        }
        bool is_resting_next =
            ro != NULL && (sp == 0 || (side == XG_SIM_BUY ? ro->price >= sp
                                                          : ro->price <= sp));
        int64_t price = is_resting_next ? ro->price : sp;
        if (n == 0 || out[n - 1].price != price) {
            if (n == max) {
                break;
            }
            out[n].price = price;
            out[n].qty = 0;
            n++;
        }
        if (is_resting_next) {
            out[n - 1].qty += ro->qty - ro->filled;
            j--;
        } else {
            out[n - 1].qty += left[k++];
        }
    }
    return n;
}

size_t
xg_sim_book_trades(const xg_sim_book *b, size_t instrument, size_t max,
                   const xg_sim_fill **out)
{
    size_t n = 0;

    for (const xg_sim_fill *f =
             xg_sim_book_fill(b, b->markets[instrument].last_fill_seq);
         f != NULL; f = xg_sim_book_fill(b, f->prev_instrument_seq)) {
        if (n > 0 && out[n - 1]->trade_id == f->trade_id) {
            if (!f->is_maker) {
                out[n - 1] = f;
            }
            continue;
        }
        if (n == max) {
            break;
        }
        out[n++] = f;
    }
    return n;
}

xg_err
xg_sim_book_set_price(xg_sim_book *b, size_t instrument, int64_t price,
                      int64_t now_ms, size_t *filled)
{
    size_t count = 0;

    if (instrument >= b->ninstruments || price <= 0) {
        return XG_ERR_INVALID;
    }
    xg_sim__market_advance(b, instrument, now_ms);
    b->instruments[instrument].ref_price = price;
    b->markets[instrument].last_ms = now_ms;
    market_refill(&b->markets[instrument]);
    count = market_cross(b, instrument, now_ms);
    if (filled != NULL) {
        *filled = count;
    }
    return XG_OK;
}

xg_err
xg_sim_book_step(xg_sim_book *b, size_t instrument, int64_t n, int64_t now_ms,
                 size_t *filled)
{
    size_t count = 0;

    if (instrument >= b->ninstruments || n < 0 || n > XG_SIM_MAX_CATCHUP) {
        return XG_ERR_INVALID;
    }
    xg_sim__market_advance(b, instrument, now_ms);
    for (int64_t i = 0; i < n; i++) {
        count += market_step(b, instrument, now_ms);
    }
    if (filled != NULL) {
        *filled = count;
    }
    return XG_OK;
}

xg_err
xg_sim_book_set_market(xg_sim_book *b, size_t instrument,
                       const xg_sim_market_params *p, int64_t now_ms,
                       size_t *filled)
{
    xg_sim_market *m = NULL;
    size_t count = 0;

    if (instrument >= b->ninstruments || p->walk_ms < 1 || p->walk_ticks < 0 ||
        p->walk_ticks > 1000000 || p->seed < 0 || p->levels < 0 ||
        p->levels > XG_SIM_MAX_LEVELS || p->level_qty < 0 ||
        p->spread_ticks < 1 || p->spread_ticks > 1000000 ||
        p->level_ticks < 1 || p->level_ticks > 1000000 || p->refill_ms < 1) {
        return XG_ERR_INVALID;
    }
    xg_sim__market_advance(b, instrument, now_ms);
    m = &b->markets[instrument];
    bool is_reseed = p->seed != m->p.seed;
    bool is_rebuilt = p->levels != m->p.levels ||
                      p->level_qty != m->p.level_qty ||
                      p->spread_ticks != m->p.spread_ticks ||
                      p->level_ticks != m->p.level_ticks;
    m->p = *p;
    if (is_reseed) {
        m->rng = (uint64_t)p->seed;
        m->steps = 0;
    }
    m->last_ms = now_ms;
    if (is_rebuilt) {
        market_refill(m);
        count = market_cross(b, instrument, now_ms);
    }
    if (filled != NULL) {
        *filled = count;
    }
    return XG_OK;
}
