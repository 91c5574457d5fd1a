/*
 * pages.h - lists read page by page (core-private): for each list being
 * followed, the venue's cursor to its next page and how many pages were
 * read, by a key the caller chooses (sweep.c: an instrument's index;
 * fills.c: an order's slot).
 *
 * A list that hands out cursors for ever must not hold the gateway:
 * xg__pages_keep stops following one after max_pages.
 */
#ifndef XGATE_PAGES_H
#define XGATE_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/adapter.h"

typedef struct xg__page {
    uint32_t key;
    uint32_t pages;             /* pages read so far */
    char cursor[XG_CURSOR_MAX]; /* the next page's */
} xg__page;

typedef struct xg__pages {
    xg__page *items;
    size_t n, cap;
} xg__pages;

void xg__pages_fini(xg__pages *t);

/* The cursor to the next page of key's list, or NULL for its first. */
const char *xg__pages_cursor(const xg__pages *t, uint32_t key);

/* One more page of key's list was read and cursor leads on: 1 if it is
 * kept, 0 if the list is not followed further (max_pages read, or no
 * memory); the list then counts as cut. */
int xg__pages_keep(xg__pages *t, uint32_t key, const char *cursor,
                   uint32_t max_pages);

/* key's list ended (or is given up): its next read starts afresh. */
void xg__pages_forget(xg__pages *t, uint32_t key);

#endif
