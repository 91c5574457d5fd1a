/*
 * deadlines.h - when orders' max_wait_ms runs out (core-private): a
 * binary min-heap of (deadline, slot).
 *
 * An entry is pushed once per order, at acceptance or recovery, and is
 * not removed when the order is sent, moved or finished: whoever pops it
 * checks that the slot still holds an unsent order with that deadline.
 * That keeps the order path to one push per order with a deadline.
 */
#ifndef XGATE_DEADLINES_H
#define XGATE_DEADLINES_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

typedef struct xg__deadline {
    int64_t at_ms; /* local wall ms */
    uint32_t slot;
} xg__deadline;

typedef struct xg__deadlines {
    xg__deadline *heap;
    size_t n, cap;
} xg__deadlines;

/* Room for cap entries before the heap grows. */
xg_err xg__deadlines_init(xg__deadlines *d, size_t cap);
void xg__deadlines_fini(xg__deadlines *d);

/* XG_ERR_NOMEM if the heap had to grow and could not. */
xg_err xg__deadlines_push(xg__deadlines *d, int64_t at_ms, uint32_t slot);

/* The earliest deadline, 0 when there is none. */
int64_t xg__deadlines_next_ms(const xg__deadlines *d);

/* Take the earliest entry if its deadline is at or before now_ms; 1 if
 * one was taken into *out. */
int xg__deadlines_pop_due(xg__deadlines *d, int64_t now_ms, xg__deadline *out);

#endif
