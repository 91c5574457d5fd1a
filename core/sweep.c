/*
 * sweep.c - the open-orders sweep: how the gateway learns what happens to
 * a resting order after its acknowledgement.
 *
 * REST venues answer only what they are asked, so an order that rests and
 * fills later tells nobody but the venue's private stream. While that
 * stream is live (stream.c) the sweep rests, but for one round each time
 * it goes live; otherwise every order_sweep_ms each venue is asked for
 * its open orders, one OPEN_ORDERS request per symbol that has open orders
 * there, under the limiter's reconciliation class (it never crowds out new
 * orders or cancels). The requests one venue sends together form a round,
 * numbered per venue; a queue entry of the round names its instrument
 * (xg__pending.instrument).
 *
 * A listed order whose state or fill changed is updated and its strategy
 * told (act.c). An order that the gateway has known open since before the
 * round was queued (r->open_round < round) but that the venue no longer lists
 * was filled, canceled or expired: it is queried once to learn which.
 * Venues list in pages (Bybit 50, OKX 100; KuCoin lists all at once): while
 * an answer is one page of more and says how to get the next one
 * (next_cursor), the next page is asked for at once, and absence is
 * judged only after the last page, from the round's mark on each order
 * seen (r->seen_round). A list that is cut with no way on, or a page that
 * fails, proves nothing about absence: only the listed orders are
 * updated. A recovered order that is listed is settled by it, so a
 * restart with many resting orders needs one request per page, not one
 * per order.
 */
#include "sweep.h"

#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "lifecycle.h"
#include "log.h"

int64_t
xg__sweep_due_ms(const xg__venue *v)
{
    if (v->cfg->order_sweep_ms == 0 || v->open_orders == 0 ||
        v->sweep_outstanding > 0 ||
        (xg__stream_is_live(&v->stream) && !v->is_sweep_forced)) {
        return 0;
    }
    return v->next_sweep_mono_ms > 0 ? v->next_sweep_mono_ms : 1;
}

/* Mark in v->sweep_marks the instruments of v's open orders; returns
 * how many. */
static size_t
mark_symbols(xg__state *st, xg__venue *v)
{
    if (v->cap_sweep_marks < v->n_instruments) {
        uint8_t *m = realloc(v->sweep_marks, v->n_instruments);
        if (m == NULL) {
            return 0;
        }
        v->sweep_marks = m;
        v->cap_sweep_marks = v->n_instruments;
    }
    memset(v->sweep_marks, 0, v->n_instruments);
    int vi = (int)xg__state_venue_index(st, v);
    size_t n = 0;
    size_t top = xg__orders_high_water(st->orders);
    for (uint32_t slot = 0; slot < top; slot++) {
        const xg__order_rec *r = xg__orders_get(st->orders, slot);
        if (r == NULL || r->venue != vi || !xg__lifecycle_is_open(r->status)) {
            continue;
        }
        const xg_instrument *ins = xg__venue_instrument(v, r->order.symbol);
        if (ins == NULL) {
            continue;
        }
        size_t i = (size_t)(ins - v->instruments);
        n += v->sweep_marks[i] == 0;
        v->sweep_marks[i] = 1;
    }
    return n;
}

void
xg__sweep_start(xg__state *st, xg__venue *v)
{
    if (v->health.state != XG_VENUE_UP || xg__sweep_due_ms(v) == 0 ||
        st->now.mono_ms < v->next_sweep_mono_ms) {
        return;
    }
    v->next_sweep_mono_ms = st->now.mono_ms + v->cfg->order_sweep_ms;
    v->is_sweep_forced = 0;
    if (mark_symbols(st, v) == 0) {
        return;
    }
    v->sweep_round++;
    for (size_t i = 0; i < v->n_instruments; i++) {
        if (v->sweep_marks[i]) {
            /* First in line among the queries: at a restart it settles
             * the recovered orders before their one-by-one queries go. */
            xg__act_queue_sweep(st, v, (uint32_t)i);
            v->sweep_outstanding++;
        }
    }
}

const xg_instrument *
xg__sweep_instrument(const xg__venue *v, uint32_t index)
{
    return index < v->n_instruments ? &v->instruments[index] : NULL;
}

static int
cmp_report(const void *a, const void *b)
{
    return strcmp(((const xg_order_report *)a)->client_id,
                  ((const xg_order_report *)b)->client_id);
}

/* Every listed order of v is reported as the list shows it (act.c
 * applies what is new, and a cancel waiting for the order's state goes
 * out), and marked seen this round. */
void
xg__sweep_match(xg__state *st, xg__venue *v, const xg_instrument *ins,
                xg_order_report *reps, size_t n)
{
    if (n == 0) {
        return;
    }
    int vi = (int)xg__state_venue_index(st, v);
    qsort(reps, n, sizeof *reps, cmp_report);
    size_t top = xg__orders_high_water(st->orders);
    for (uint32_t slot = 0; slot < top; slot++) {
        xg__order_rec *r = xg__orders_get(st->orders, slot);
        if (r == NULL || r->venue != vi || !xg__lifecycle_is_open(r->status) ||
            strcmp(r->order.symbol, ins->symbol) != 0) {
            continue;
        }
        xg_order_report key;
        memcpy(key.client_id, r->venue_client_id, sizeof key.client_id);
        const xg_order_report *rep =
            bsearch(&key, reps, n, sizeof *reps, cmp_report);
        if (rep == NULL) {
            continue;
        }
        r->seen_round = v->sweep_round;
        /* The list says all a query would: a query still queued for the
         * order is dropped, and a recovered order is settled. */
        xg__act_report(st, slot, rep);
        xg__act_settled(st, slot);
    }
}

/* The whole list of ins was read this round: an order of v on ins known
 * open since before the round and not seen in it was closed since the
 * last look (filled, canceled or expired) and is queried once. */
static void
query_unlisted(xg__state *st, xg__venue *v, const xg_instrument *ins)
{
    int vi = (int)xg__state_venue_index(st, v);
    size_t top = xg__orders_high_water(st->orders);
    for (uint32_t slot = 0; slot < top; slot++) {
        xg__order_rec *r = xg__orders_get(st->orders, slot);
        if (r == NULL || r->venue != vi || !xg__lifecycle_is_open(r->status) ||
            r->open_round >= v->sweep_round ||
            r->seen_round == v->sweep_round || r->needs_query ||
            strcmp(r->order.symbol, ins->symbol) != 0) {
            continue;
        }
        r->needs_query = 1;
        xg__act_queue(st, slot, XG_OP_QUERY_ORDER, 0);
    }
}

const char *
xg__sweep_cursor(const xg__venue *v, uint32_t index)
{
    return xg__pages_cursor(&v->sweep_pages, index);
}

void
xg__sweep_answered(xg__state *st, xg__venue *v, uint32_t index,
                   const xg_result *res, xg_order_report *reps, size_t n)
{
    const xg_instrument *ins = xg__sweep_instrument(v, index);
    if (res->outcome != XG_OUTCOME_OK || ins == NULL) {
        if (res->outcome != XG_OUTCOME_OK) {
            xg__debug("venue %s: open orders not read: %.23s %.100s",
                      v->cfg->name, res->venue_code, res->venue_msg);
        }
        xg__sweep_dropped(v, index);
        return;
    }
    xg__sweep_match(st, v, ins, reps, n);
    if (res->is_list_cut && res->next_cursor[0] != '\0' &&
        xg__pages_keep(&v->sweep_pages, index, res->next_cursor,
                       v->sweep_pages_max)) {
        /* The same round goes on with the next page, ahead of the
         * one-by-one queries as the first page was. */
        xg__act_queue_sweep(st, v, index);
        return;
    }
    if (!res->is_list_cut) {
        query_unlisted(st, v, ins);
    }
    xg__sweep_dropped(v, index);
}

void
xg__sweep_dropped(xg__venue *v, uint32_t index)
{
    xg__pages_forget(&v->sweep_pages, index);
    if (v->sweep_outstanding > 0) {
        v->sweep_outstanding--;
    }
}
