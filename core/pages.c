/*
 * pages.c - lists read page by page (see pages.h). Few lists are paged at
 * once, so a linear search over a small array is all it takes.
 */
#include "pages.h"

#include <stdlib.h>

#include "xgate/buf.h"

void
xg__pages_fini(xg__pages *t)
{
    free(t->items);
    t->items = NULL;
    t->n = t->cap = 0;
}

static xg__page *
find(const xg__pages *t, uint32_t key)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->items[i].key == key) {
            return &t->items[i];
        }
    }
    return NULL;
}

const char *
xg__pages_cursor(const xg__pages *t, uint32_t key)
{
    const xg__page *p = find(t, key);
    return p != NULL ? p->cursor : NULL;
}

void
xg__pages_forget(xg__pages *t, uint32_t key)
{
    xg__page *p = find(t, key);
    if (p != NULL) {
        *p = t->items[--t->n];
    }
}

int
xg__pages_keep(xg__pages *t, uint32_t key, const char *cursor,
               uint32_t max_pages)
{
    xg__page *p = find(t, key);
    if (p == NULL) {
        if (t->n == t->cap) {
            size_t cap = t->cap > 0 ? t->cap * 2 : 8;
            xg__page *items = realloc(t->items, cap * sizeof *items);
            if (items == NULL) {
                return 0;
            }
            t->items = items;
            t->cap = cap;
        }
        p = &t->items[t->n++];
        p->key = key;
        p->pages = 0;
    }
    if (++p->pages >= max_pages) {
        xg__pages_forget(t, key);
        return 0;
    }
    xg_strlcpy(p->cursor, cursor, sizeof p->cursor);
    return 1;
}
