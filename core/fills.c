/*
 * fills.c - every fill of an order told once (see fills.h).
 */
#include "fills.h"

#include <string.h>

#include "act.h"
#include "log.h"

/* Pages of one order's fills list followed before it counts as cut. */
#define FILL_PAGES_MAX 50
/* Fills lists read in vain before the gap is left (fills.h). */
#define FILL_LISTS_MAX 3

int
xg__fills_tell(xg__state *st, xg__venue *v, uint32_t slot, const xg_fill *f,
               const char *source)
{
    xg__order_rec *r = xg__orders_get(st->orders, slot);
    /* What a venue sends is held to the journal's rules before anything
     * else: a record the journal refused would stop the daemon. */
    xg__journal_fill rec;
    xg__persist_fill_record(r, v->cfg->name, f, st->now.wall_ms, &rec);
    const char *why = xg__journal_fill_invalid(&rec);
    if (why != NULL) {
        xg__warn("venue %s: %s fill of %s unusable (%s), left out",
                 v->cfg->name, source, r->order.client_id, why);
        return -1;
    }
    int vi = (int)xg__state_venue_index(st, v);
    int is_new = xg__orders_note_fill(st->orders, slot, vi, f);
    if (is_new < 0) {
        xg__error("venue %s: out of memory noting a fill of %s; not told",
                  v->cfg->name, r->order.client_id);
        return -1;
    }
    if (is_new == 0) {
        return 0;
    }
    xg__persist_fill(&st->persist, &rec);
    xg_order_view view;
    xg__order_view(r, v->cfg->name, &view);
    xg__events_fill(&st->events, f, &view, st->now.wall_ms);
    return 1;
}

void
xg__fills_timers(xg__state *st)
{
    xg__deadline d;
    while (xg__deadlines_pop_due(&st->fill_checks, st->now.wall_ms, &d)) {
        xg__order_rec *r = xg__orders_get(st->orders, d.slot);
        if (r == NULL) {
            continue;
        }
        /* An entry outlives its order, so this may be a later order's
         * slot: asking that one's fills early is harmless, and its own
         * entry finds the flag clear and is skipped the same way. */
        r->fill_check_due = 0;
        if (xg__act_fills_owed(st, r)) {
            xg__act_queue(st, d.slot, XG_OP_ORDER_FILLS, 0);
        }
    }
}

const char *
xg__fills_cursor(const xg__venue *v, uint32_t slot)
{
    return xg__pages_cursor(&v->fill_pages, slot);
}

void
xg__fills_dropped(xg__venue *v, uint32_t slot)
{
    xg__pages_forget(&v->fill_pages, slot);
}

/* Oldest first, as they happened; a stable insertion sort, since a list
 * is short and fills of one time keep the venue's order. */
static void
sort_by_time(xg_fill *fills, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        xg_fill f = fills[i];
        size_t j = i;
        while (j > 0 && fills[j - 1].time_ms > f.time_ms) {
            fills[j] = fills[j - 1];
            j--;
        }
        fills[j] = f;
    }
}

void
xg__fills_answered(xg__state *st, xg__venue *v, uint32_t slot, xg__order_rec *r,
                   const xg_result *res, xg_fill *fills, size_t n)
{
    v->n_fill_lists++;
    if (res->outcome == XG_OUTCOME_OK) {
        sort_by_time(fills, n);
        for (size_t i = 0; i < n; i++) {
            if (xg__fills_tell(st, v, slot, &fills[i], "listed") == 1) {
                v->n_fills_listed++;
            }
        }
        if (res->is_list_cut && res->next_cursor[0] != '\0' &&
            xg__pages_keep(&v->fill_pages, slot, res->next_cursor,
                           FILL_PAGES_MAX)) {
            xg__act_queue(st, slot, XG_OP_ORDER_FILLS, 1);
            return;
        }
    } else {
        xg__debug("venue %s: fills of %s not read: %.23s %.100s", v->cfg->name,
                  r->order.client_id, res->venue_code, res->venue_msg);
    }
    xg__pages_forget(&v->fill_pages, slot);
    if (!xg__orders_fills_owed(r)) {
        r->fill_lists = 0;
        return;
    }
    if (++r->fill_lists >= FILL_LISTS_MAX) {
        xg__warn("venue %s: %s counts more filled than its %u fills lists "
                 "showed; left untold",
                 v->cfg->name, r->order.client_id, (unsigned)r->fill_lists);
        return;
    }
    xg__act_watch_fills(st, slot);
}
