/*
 * venue.c - queues, instrument table and limiter set-up of a venue.
 *
 * The queues are fixed rings sized from the order pool, so a burst never
 * allocates. Instruments are kept sorted for binary search: a venue lists
 * up to a few thousand symbols and lookups happen once per order.
 */
#include "venue.h"

#include <stdlib.h>
#include <string.h>

xg_err
xg__queue_init(xg__queue *q, size_t cap)
{
    q->items = calloc(cap, sizeof *q->items);
    q->cap = cap;
    q->head = 0;
    q->len = 0;
    return q->items != NULL ? XG_OK : XG_ERR_NOMEM;
}

void
xg__queue_fini(xg__queue *q)
{
    free(q->items);
    q->items = NULL;
    q->cap = q->len = q->head = 0;
}

xg_err
xg__queue_push(xg__queue *q, xg__pending p)
{
    if (q->len == q->cap) {
        return XG_ERR_BUSY;
    }
    q->items[(q->head + q->len) % q->cap] = p;
    q->len++;
    return XG_OK;
}

xg_err
xg__queue_push_front(xg__queue *q, xg__pending p)
{
    if (q->len == q->cap) {
        return XG_ERR_BUSY;
    }
    q->head = (q->head + q->cap - 1) % q->cap;
    q->items[q->head] = p;
    q->len++;
    return XG_OK;
}

const xg__pending *
xg__queue_peek(const xg__queue *q)
{
    return q->len > 0 ? &q->items[q->head] : NULL;
}

void
xg__queue_pop(xg__queue *q)
{
    if (q->len > 0) {
        q->head = (q->head + 1) % q->cap;
        q->len--;
    }
}

const xg__pending *
xg__queue_at(const xg__queue *q, size_t i)
{
    return i < q->len ? &q->items[(q->head + i) % q->cap] : NULL;
}

void
xg__queue_remove(xg__queue *q, size_t i)
{
    if (i >= q->len) {
        return;
    }
    if (i == 0) {
        xg__queue_pop(q);
        return;
    }
    if (i < q->len / 2) {
        /* Nearer the head: those before it move up one, the head with
         * them. */
        for (size_t k = i; k > 0; k--) {
            q->items[(q->head + k) % q->cap] =
                q->items[(q->head + k - 1) % q->cap];
        }
        q->head = (q->head + 1) % q->cap;
        q->len--;
        return;
    }
    for (size_t k = i; k + 1 < q->len; k++) {
        q->items[(q->head + k) % q->cap] = q->items[(q->head + k + 1) % q->cap];
    }
    q->len--;
}

const char *
xg__venue_state_name(xg__venue_state s)
{
    switch (s) {
    case XG_VENUE_STARTING:
        return "STARTING";
    case XG_VENUE_UP:
        return "UP";
    case XG_VENUE_THROTTLED:
        return "THROTTLED";
    case XG_VENUE_BANNED:
        return "BANNED";
    case XG_VENUE_DOWN:
        return "DOWN";
    }
    return "UNKNOWN";
}

int64_t
xg__venue_until_wall_ms(const xg__venue *v, int64_t now_wall_ms,
                        int64_t now_mono_ms)
{
    return v->health.until_mono_ms > 0
               ? now_wall_ms + (v->health.until_mono_ms - now_mono_ms)
               : 0;
}

void
xg__venue_view(const xg__venue *v, int64_t now_wall_ms, int64_t now_mono_ms,
               xg_venue_view *view, xg_bucket_view *buckets, size_t cap)
{
    memset(view, 0, sizeof *view);
    view->name = v->cfg->name;
    view->state = xg__venue_state_name(v->health.state);
    view->until_ms = xg__venue_until_wall_ms(v, now_wall_ms, now_mono_ms);
    view->reason = v->health.reason;
    view->queued = v->cancels.len + v->urgent.len + v->normal.len;
    view->in_flight = v->in_flight;
    view->open_orders = v->open_orders;
    view->stream = xg__stream_state_name(v->stream.state);
    view->stream_reason = v->stream.reason;
    view->limits = v->limits;
    view->limits_reason = v->limits_reason;
    view->gateway = v->limits_gateway;
    view->account = v->account;
    size_t n = v->limiter != NULL ? xg_limiter_bucket_count(v->limiter) : 0;
    if (n > cap) {
        n = cap;
    }
    int64_t now_ns = (now_wall_ms + v->offset_ms) * 1000000;
    for (size_t i = 0; i < n; i++) {
        const xg_bucket_spec *s = xg_limiter_bucket_spec(v->limiter, i);
        buckets[i].name = s->name;
        buckets[i].limit = s->limit;
        buckets[i].used = xg_limiter_bucket_used(v->limiter, i, now_ns);
    }
    view->buckets = buckets;
    view->n_buckets = n;
}

static int
cmp_instrument(const void *a, const void *b)
{
    return strcmp(((const xg_instrument *)a)->symbol,
                  ((const xg_instrument *)b)->symbol);
}

xg_err
xg__venue_set_instruments(xg__venue *v, const xg_instrument *ins, size_t n)
{
    if (n > v->cap_instruments) {
        xg_instrument *p = realloc(v->instruments, n * sizeof *p);
        if (p == NULL) {
            return XG_ERR_NOMEM;
        }
        v->instruments = p;
        v->cap_instruments = n;
    }
    v->n_instruments = n;
    if (n > 0) { /* memcpy and qsort must not see a NULL list */
        memcpy(v->instruments, ins, n * sizeof *ins);
        qsort(v->instruments, n, sizeof *ins, cmp_instrument);
    }
    return XG_OK;
}

const xg_instrument *
xg__venue_instrument(const xg__venue *v, const char *symbol)
{
    xg_instrument key;
    memset(&key, 0, sizeof key);
    /* A venue still starting has no list yet (NULL, which bsearch must
     * not be given even for zero elements). */
    if (v->n_instruments == 0 || strlen(symbol) >= sizeof key.symbol) {
        return NULL;
    }
    memcpy(key.symbol, symbol, strlen(symbol) + 1);
    return bsearch(&key, v->instruments, v->n_instruments, sizeof key,
                   cmp_instrument);
}

xg_err
xg__venue_rebuild_limiter(xg__venue *v, char *err, size_t err_len)
{
    xg_bucket_spec specs[32];
    size_t n = 0;
    xg_err e = v->plugin->api->limits(v->inst, specs, 32, &n);
    if (e != XG_OK) {
        xg_strlcpy(err, "adapter could not describe its limits", err_len);
        return e;
    }
    xg_limiter *l = xg_limiter_new(specs, n, v->cfg->clock_guard_ms * 1000000);
    if (l == NULL) {
        xg_strlcpy(err, "adapter's bucket specs were refused", err_len);
        return XG_ERR_INVALID;
    }
    if (xg_limiter_set_reconcile_share(
            l, (unsigned)v->cfg->reconcile_share_pct) != XG_OK) {
        xg_limiter_destroy(&l);
        xg_strlcpy(err, "reconcile_share_pct out of range", err_len);
        return XG_ERR_INVALID;
    }
    if (v->limiter_share_pct != 0) {
        (void)xg_limiter_set_share(l, v->limiter_share_pct);
    }
    xg_limiter_destroy(&v->limiter);
    v->limiter = l;
    v->limiter_gen++;
    v->reconcile_wait_ns = 0;
    return XG_OK;
}
