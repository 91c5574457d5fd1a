/*
 * sim/window.h - clock-aligned fixed windows and per-client limit state.
 *
 * A venue's limits are counters that reset when the wall clock enters a
 * new window of len_ms (window k covers [k*len, (k+1)*len) in epoch ms,
 * so a 1-minute window starts on the minute, as Binance's do). The
 * per-client state (keyed by IP) adds the 429 -> ban escalation every
 * venue modelled so far shares. Dialects decide which windows exist, their
 * costs and limits; nothing here knows a venue.
 */
#ifndef XGATE_SIM_WINDOW_H
#define XGATE_SIM_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

typedef struct xg_sim_window {
    int64_t len_ms; /* > 0 */
    int64_t index;  /* which window count belongs to */
    int64_t count;
} xg_sim_window;

/* Empty window of len_ms (> 0). */
void xg_sim_window_init(xg_sim_window *w, int64_t len_ms);

/* Usage in the window containing now_ms (0 after a roll). */
int64_t xg_sim_window_used(const xg_sim_window *w, int64_t now_ms);

/* Add n to the window containing now_ms; returns the new usage. */
int64_t xg_sim_window_add(xg_sim_window *w, int64_t now_ms, int64_t n);

/* Milliseconds from now_ms until the current window ends (>= 1). */
int64_t xg_sim_window_left_ms(const xg_sim_window *w, int64_t now_ms);

#define XG_SIM_CLIENT_WINDOWS 4
#define XG_SIM_IP_LEN         48

/* Limit state of one client IP. */
typedef struct xg_sim_client {
    char ip[XG_SIM_IP_LEN];
    xg_sim_window windows[XG_SIM_CLIENT_WINDOWS];
    int64_t limited_until_ms; /* refused with 429 until then */
    int violations;           /* requests refused while limited */
    int64_t ban_until_ms;     /* 0: never banned */
    int bans;                 /* how many bans so far (escalation) */
    /* HTTP status the current ban is answered with when an admin ban
     * named one (dialects with xg_sim_dialect.ban_status); 0 for the
     * venue's usual answer. Every xg_sim_client_ban resets it. */
    int ban_status;
} xg_sim_client;

typedef struct xg_sim_clients {
    xg_sim_client *items;
    size_t n, cap;
} xg_sim_clients;

void xg_sim_clients_init(xg_sim_clients *c);
void xg_sim_clients_fini(xg_sim_clients *c);

/* The state of ip, created (windows zeroed with len_ms from proto) on
 * first sight. Borrowed until the next call. XG_ERR_NOMEM. */
xg_err xg_sim_clients_get(xg_sim_clients *c, const char *ip,
                          const xg_sim_window proto[XG_SIM_CLIENT_WINDOWS],
                          xg_sim_client **out);

/* Whether the client is banned at now_ms. */
bool xg_sim_client_is_banned(const xg_sim_client *cl, int64_t now_ms);

/* Start a ban of duration_ms now, answered the venue's usual way;
 * counts towards escalation. */
void xg_sim_client_ban(xg_sim_client *cl, int64_t now_ms, int64_t duration_ms);

/* Length of the next automatic ban: base doubled per earlier ban, capped
 * at max_ms. */
int64_t xg_sim_client_next_ban_ms(const xg_sim_client *cl, int64_t base_ms,
                                  int64_t max_ms);

#endif
