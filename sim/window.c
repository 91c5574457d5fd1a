/*
 * Clock-aligned limit windows and per-IP client state for xgsim.
 *
 * Windows are computed from the epoch time passed in, never from a clock
 * read here, so the arithmetic is the same whether the caller is the
 * server or a test. The client table is a plain array searched linearly:
 * the simulator serves loopback clients, a handful at most.
 */
#include "window.h"

#include <stdlib.h>
#include <string.h>

void
xg_sim_window_init(xg_sim_window *w, int64_t len_ms)
{
    w->len_ms = len_ms > 0 ? len_ms : 1;
    w->index = 0;
    w->count = 0;
}

int64_t
xg_sim_window_used(const xg_sim_window *w, int64_t now_ms)
{
    return now_ms / w->len_ms == w->index ? w->count : 0;
}

int64_t
xg_sim_window_add(xg_sim_window *w, int64_t now_ms, int64_t n)
{
    int64_t idx = now_ms / w->len_ms;

    if (idx != w->index) {
        w->index = idx;
        w->count = 0;
    }
    if (w->count <= INT64_MAX - n) {
        w->count += n;
    }
    return w->count;
}

int64_t
xg_sim_window_left_ms(const xg_sim_window *w, int64_t now_ms)
{
    int64_t end = (now_ms / w->len_ms + 1) * w->len_ms;

    return end - now_ms > 0 ? end - now_ms : 1;
}

void
xg_sim_clients_init(xg_sim_clients *c)
{
    memset(c, 0, sizeof(*c));
}

void
xg_sim_clients_fini(xg_sim_clients *c)
{
    free(c->items);
    memset(c, 0, sizeof(*c));
}

xg_err
xg_sim_clients_get(xg_sim_clients *c, const char *ip,
                   const xg_sim_window proto[XG_SIM_CLIENT_WINDOWS],
                   xg_sim_client **out)
{
    xg_sim_client *cl = NULL;

    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->items[i].ip, ip) == 0) {
            *out = &c->items[i];
            return XG_OK;
        }
    }
    if (c->n == c->cap) {
        size_t cap = c->cap != 0 ? c->cap * 2 : 8;
        xg_sim_client *items = realloc(c->items, cap * sizeof(*items));
        if (items == NULL) {
            return XG_ERR_NOMEM;
        }
        c->items = items;
        c->cap = cap;
    }
    cl = &c->items[c->n++];
    memset(cl, 0, sizeof(*cl));
    /* An IP longer than the field is truncated; two such IPs would share
     * state, which only loopback clients could cause and none does. */
    strncpy(cl->ip, ip, sizeof(cl->ip) - 1);
    for (size_t i = 0; i < XG_SIM_CLIENT_WINDOWS; i++) {
        xg_sim_window_init(&cl->windows[i], proto[i].len_ms);
    }
    *out = cl;
    return XG_OK;
}

bool
xg_sim_client_is_banned(const xg_sim_client *cl, int64_t now_ms)
{
    return now_ms < cl->ban_until_ms;
}

void
xg_sim_client_ban(xg_sim_client *cl, int64_t now_ms, int64_t duration_ms)
{
    cl->ban_until_ms = now_ms + (duration_ms > 0 ? duration_ms : 0);
    cl->bans++;
    cl->ban_status = 0;
    cl->violations = 0;
    cl->limited_until_ms = 0;
}

int64_t
xg_sim_client_next_ban_ms(const xg_sim_client *cl, int64_t base_ms,
                          int64_t max_ms)
{
    int64_t len = base_ms;

    for (int i = 0; i < cl->bans && len < max_ms; i++) {
        len = len > max_ms / 2 ? max_ms : len * 2;
    }
    return len < max_ms ? len : max_ms;
}
