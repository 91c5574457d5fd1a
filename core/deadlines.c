/*
 * deadlines.c - the min-heap of order deadlines (see deadlines.h).
 */
#include "deadlines.h"

#include <stdlib.h>

xg_err
xg__deadlines_init(xg__deadlines *d, size_t cap)
{
    d->n = 0;
    d->cap = cap > 0 ? cap : 16;
    d->heap = malloc(d->cap * sizeof *d->heap);
    return d->heap != NULL ? XG_OK : XG_ERR_NOMEM;
}

void
xg__deadlines_fini(xg__deadlines *d)
{
    free(d->heap);
    d->heap = NULL;
    d->n = d->cap = 0;
}

xg_err
xg__deadlines_push(xg__deadlines *d, int64_t at_ms, uint32_t slot)
{
    if (d->n == d->cap) {
        xg__deadline *h = realloc(d->heap, 2 * d->cap * sizeof *h);
        if (h == NULL) {
            return XG_ERR_NOMEM;
        }
        d->heap = h;
        d->cap *= 2;
    }
    size_t i = d->n++;
    while (i > 0 && d->heap[(i - 1) / 2].at_ms > at_ms) {
        d->heap[i] = d->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    d->heap[i] = (xg__deadline){at_ms, slot};
    return XG_OK;
}

int64_t
xg__deadlines_next_ms(const xg__deadlines *d)
{
    return d->n > 0 ? d->heap[0].at_ms : 0;
}

int
xg__deadlines_pop_due(xg__deadlines *d, int64_t now_ms, xg__deadline *out)
{
    if (d->n == 0 || d->heap[0].at_ms > now_ms) {
        return 0;
    }
    *out = d->heap[0];
    xg__deadline last = d->heap[--d->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= d->n) {
            break;
        }
        if (c + 1 < d->n && d->heap[c + 1].at_ms < d->heap[c].at_ms) {
            c++;
        }
        if (d->heap[c].at_ms >= last.at_ms) {
            break;
        }
        d->heap[i] = d->heap[c];
        i = c;
    }
    if (d->n > 0) {
        d->heap[i] = last;
    }
    return 1;
}
